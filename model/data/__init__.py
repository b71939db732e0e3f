"""Data the model ships: ``history.csv`` (city series 2000–2024, copied from the project's sourced history
reference with its columns ``city, indicator, unit, year, value, source_url, tag, note``) and ``drivers.csv``
(national drivers by year, same layout with ``series`` for ``city``). Every row carries its source URL."""

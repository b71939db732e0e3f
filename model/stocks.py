"""The state vector: every stock of the model, its unit, default 2025 value and doc.

The order of :data:`STOCKS` is the fixed order of axis 0 of every state array
(``y`` has shape ``(n_stocks, n_runs)``); :class:`StockIndex` names positions.
Default initial values describe a mature coal city (成熟型) of about 2.5 million
people; region presets in ``model/regions/`` override them.
"""
from __future__ import annotations

from enum import IntEnum

from restrans.model.metadata import Stock

_A = "ASSUMPTION: "

STOCKS: tuple[Stock, ...] = (
    # --- resources (seed 二, 四–六) -------------------------------------------------
    Stock("undiscovered_resource", "Mt", 2000.0, 0.0, 1e6,
          "Resource believed to exist but not yet proven; exploration turns it into reserves.",
          _A + "same order as proven reserves in a mature coal field", "resources"),
    Stock("proven_reserves", "Mt", 3000.0, 0.0, 1e6,
          "Proven in-situ reserves (储量); for forest regions the standing timber stock in million m3.",
          _A + "30-yr reserve life at 60 Mt/yr and 50 % recovery; domain-facts: coal reserves R/P 45-50 yr nationally", "resources"),
    Stock("mining_capacity", "Mt/yr", 85.0, 0.0, 1e4,
          "Installed extraction capacity (logging capacity for forests).",
          "domain-facts: capacity utilisation 70.6 % (2019) applied to 60 Mt/yr output", "resources"),
    Stock("green_capacity", "Mt/yr", 35.0, 0.0, 1e4,
          "Part of mining capacity meeting the green-mine standard (绿色矿山).",
          "domain-facts: green mines 40.8 % of producing mines (Nov 2025)", "resources"),
    Stock("mining_labour_productivity", "Mt/yr per thousand workers", 1.0, 0.01, 100.0,
          "Raw output per mining worker (1 Mt/yr per thousand = 1,000 t per worker-year).",
          "domain-facts: labour productivity ~1,070 t/worker-yr (2018), underground mines lower", "resources"),
    Stock("resource_price", "CNY/t", 800.0, 1.0, 1e5,
          "Trend mine-mouth price of the resource (CNY per m3 for timber), before the scenario's price index.",
          _A + "thermal coal mine-mouth price around 700-850 CNY/t in 2025", "resources"),
    Stock("cumulative_extraction", "Mt", 0.0, 0.0, 1e7,
          "Extraction since the start of the run (accounting stock).",
          "Zero at the start by definition", "resources"),
    # --- economy and innovation (三, 十一) ---------------------------------------------
    Stock("processing_capital", "bn CNY", 75.0, 0.0, 1e5,
          "Capital of successor industries that deep-process local resources (精深加工: coal chemicals, materials).",
          _A + "capital-output ratio 3 on 25 bn CNY value added", "economy"),
    Stock("new_industry_capital", "bn CNY", 60.0, 0.0, 1e5,
          "Capital of independent new industries (new energy, equipment, digital, tourism).",
          _A + "capital-output ratio 3 on 20 bn CNY value added", "economy"),
    Stock("farm_output", "bn CNY/yr", 7.5, 0.0, 1e5,
          "Value added of farming, forestry, herding and fishing (primary industry), sold to the national market.",
          _A + "5 % of 150 bn CNY GDP, about the primary share of Shanxi's coal cities (Datong 5.1 % in 2020, "
          "CSMAR table in model/data/history.csv)", "economy"),
    Stock("traded_services", "bn CNY/yr", 0.0, 0.0, 1e5,
          "Value added of services the city sells beyond its own demand (coal haulage and trade, transport hubs, "
          "tourism, colleges, hospitals serving the region); they grow with national output.",
          "City presets: what closes the model's GDP to the observed in the start year; a type: the median share of "
          "its cities (sim/history/type_profiles.py)", "economy"),
    Stock("knowledge", "bn CNY", 14.0, 0.0, 1e5,
          "Knowledge stock: accumulated, depreciating R&D (perpetual inventory).",
          _A + "R&D 1.2 % of 150 bn CNY GDP over an 8-year knowledge life", "economy"),
    Stock("technology_index", "index (2025 = 1)", 1.0, 0.01, 100.0,
          "General technical progress raising productivity in services and successor industries.",
          "Normalised to 1 in 2025 by definition", "economy"),
    Stock("business_environment", "index (2025 = 1)", 1.0, 0.1, 5.0,
          "Business-environment index (营商环境) raising investment attraction.",
          "Normalised to 1 in 2025 by definition", "openness"),
    Stock("infrastructure_capital", "bn CNY", 100.0, 0.0, 1e5,
          "Transport and connection infrastructure (roads, rail, logistics hubs).",
          _A + "about 0.7 of annual GDP", "openness"),
    # --- labour and population (七 十九–二十一, 十二) -----------------------------------
    Stock("children", "thousand persons", 400.0, 0.0, 1e5,
          "Residents aged 0-14.",
          "NBS 2020 census: 0-14 = 17.95 % nationally; ASSUMPTION 16 % in a mature coal city", "people"),
    Stock("inactive_working_age", "thousand persons", 322.5, 0.0, 1e5,
          "Residents aged 15-64 outside the labour force (students, carers, discouraged, early retired).",
          _A + "residual of 15-64 residents minus the labour force (participation ~81 %)", "people"),
    Stock("elderly", "thousand persons", 427.5, 0.0, 1e5,
          "Residents aged 65 or more.",
          "NBS 2020 census: 65+ = 13.5 % nationally; Datong 14.1 % (2020) carried to 17.1 % in 2025", "people"),
    Stock("mining_employment", "thousand persons", 60.0, 0.0, 1e4,
          "Workers employed in mining (or logging).",
          "domain-facts: employment share thresholds 3.9 %/44.9 %; 60 Mt at 1,000 t/worker-yr", "people"),
    Stock("successor_employment", "thousand persons", 170.0, 0.0, 1e5,
          "Workers in successor industries (processing and new industries).",
          _A + "45 bn CNY value added at about 0.26 m CNY per worker", "people"),
    Stock("service_employment", "thousand persons", 1050.0, 0.0, 1e5,
          "Workers of the local sector (services, public sector, construction, agriculture) serving local demand.",
          _A + "residual of a 1,350 thousand labour force", "people"),
    Stock("laid_off_miners", "thousand persons", 10.0, 0.0, 1e4,
          "Laid-off miners without a job; their skills do not match successor industries.",
          _A + "about 15 % of current mining employment", "people"),
    Stock("retrained_job_seekers", "thousand persons", 5.0, 0.0, 1e4,
          "Former miners who finished retraining and look for a successor-industry job.",
          _A + "half of the laid-off pool's annual retraining", "people"),
    Stock("other_unemployed", "thousand persons", 55.0, 0.0, 1e5,
          "Unemployed members of the labour force other than laid-off or retrained miners.",
          _A + "urban unemployment about 5 %", "people"),
    Stock("national_income_per_capita", "thousand CNY/person/yr", 43.0, 1.0, 1e3,
          "National per-capita disposable income, the comparator for migration.",
          "NBS: national per-capita disposable income 41,314 CNY (2024), grown one year", "people"),
    # --- ecology (五 十四–十六) ---------------------------------------------------------
    Stock("subsidence_area", "km2", 60.0, 0.0, 1e5,
          "Untreated coal-mining subsidence area (采煤沉陷区).",
          "domain-facts: subsidence intensity 20 ha/Mt, reclamation 35-40 % of stock", "ecology"),
    Stock("damaged_land", "km2", 40.0, 0.0, 1e5,
          "Other mining-damaged land (pits, waste heaps, tailings) not yet restored.",
          "domain-facts: all mining-damaged land 3.6 Mha nationally", "ecology"),
    Stock("restored_land", "km2", 20.0, 0.0, 1e5,
          "Restored or treated land not (yet) converted to construction use.",
          "domain-facts: reclamation rate 25 % (2021)", "ecology"),
    Stock("construction_land", "km2", 60.0, 0.0, 1e5,
          "Construction land available to successor industries (parks, new plants).",
          _A + "enough land for 2025 new-industry capital at 0.3 km2 per bn CNY", "ecology"),
    Stock("pollution", "kt pollutant-equivalent", 100.0, 0.0, 1e6,
          "Accumulated pollution load (air, water, soil) weighted to a common unit.",
          _A + "normalised so that pollution / tolerable load = 0.5 in 2025", "ecology"),
    # --- public services and fiscal (七, 八 二十二–二十四) ------------------------------
    Stock("public_service_capital", "bn CNY", 90.0, 0.0, 1e5,
          "Capital of public services: schools, hospitals, utilities, care facilities.",
          _A + "36 thousand CNY per resident", "fiscal"),
    Stock("local_debt", "bn CNY", 25.0, 0.0, 1e5,
          "Outstanding debt of the local government (general and special bonds, recognised hidden debt).",
          _A + "about one year of own revenue plus general transfers", "fiscal"),
    Stock("restoration_fund", "bn CNY", 0.4, 0.0, 1e4,
          "Ecological restoration fund fed by a levy on extraction (谁破坏、谁治理).",
          _A + "about two years of levy", "fiscal"),
    Stock("cumulative_central_cost", "bn CNY", 0.0, 0.0, 1e7,
          "Central-government spending on the region's policy levers since the start.",
          "Zero at the start by definition", "fiscal"),
    Stock("cumulative_local_cost", "bn CNY", 0.0, 0.0, 1e7,
          "Local-government spending on the region's policy levers since the start.",
          "Zero at the start by definition", "fiscal"),
    Stock("cumulative_public_revenue", "bn CNY", 0.0, 0.0, 1e7,
          "Local budget revenue since the start: own revenue and every transfer (accounting stock).",
          "Zero at the start by definition", "fiscal"),
    Stock("cumulative_public_spending", "bn CNY", 0.0, 0.0, 1e7,
          "Local budget spending since the start, interest included (accounting stock).",
          "Zero at the start by definition", "fiscal"),
    Stock("cumulative_planned_cost", "bn CNY", 0.0, 0.0, 1e7,
          "Policy cost as scheduled since the start, before the borrowing limit (the basis of equal-budget comparisons).",
          "Zero at the start by definition", "fiscal"),
    Stock("cumulative_spending_cut", "bn CNY", 0.0, 0.0, 1e7,
          "Planned local spending not made because of the borrowing limit, since the start.",
          "Zero at the start by definition", "fiscal"),
    # --- accounting stocks for indicators --------------------------------------------
    Stock("cumulative_layoffs", "thousand persons", 0.0, 0.0, 1e6,
          "Miners laid off since the start of the run.",
          "Zero at the start by definition", "people"),
    Stock("cumulative_reemployed_miners", "thousand persons", 0.0, 0.0, 1e6,
          "Laid-off or retrained miners who found a job since the start.",
          "Zero at the start by definition", "people"),
    Stock("cumulative_out_migration", "thousand persons", 0.0, 0.0, 1e6,
          "Residents who left since the start of the run.",
          "Zero at the start by definition", "people"),
    Stock("cumulative_in_migration", "thousand persons", 0.0, 0.0, 1e6,
          "Migrants who arrived since the start of the run.",
          "Zero at the start by definition", "people"),
    Stock("cumulative_land_restored", "km2", 0.0, 0.0, 1e6,
          "Subsidence governed plus damaged land restored since the start.",
          "Zero at the start by definition", "ecology"),
)

StockIndex = IntEnum("StockIndex", [stock.name for stock in STOCKS], start=0)
"""Position of each stock on axis 0 of a state array, e.g. ``StockIndex.population``."""

STOCK_NAMES: tuple[str, ...] = tuple(stock.name for stock in STOCKS)
N_STOCKS: int = len(STOCKS)

"""Stage 1, scenario files to a validated scenario: errors, output names, lever schedules, region presets, fields,
scenarios.

May import: :mod:`restrans.model` only.
"""

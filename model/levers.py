"""The policy levers and exogenous drivers a scenario sets over time.

Every measure (四)–(二十四) of the seed plan maps to at least one lever here,
except those listed in :data:`OUTSIDE_BOUNDARY` with the reason. The order of
:data:`LEVERS` is the fixed order of axis 0 of a lever array (shape
``(n_levers, n_runs)``); :class:`LeverIndex` names the positions. Baselines
are policy as of 2025 in a mature coal city; region presets override them.
"""
from __future__ import annotations

from enum import IntEnum

from restrans.model.metadata import Lever

_A = "ASSUMPTION: "
_DF = "domain-facts: "

LEVERS: tuple[Lever, ...] = (
    Lever("exploration_spending", "bn CNY/yr", 0.3, 0.0, 20.0,
          "Geological exploration spending in the region (勘查).",
          _A + "0.3 bn CNY/yr for a prefecture-level mining area", ("四", "六"),
          cost_per_unit=1.0, central_share=0.5),
    Lever("red_line_sterilisation_rate", "1/yr", 0.002, 0.0, 0.1,
          "Share of proven reserves sterilised per year by ecological red lines and spatial controls.",
          _A + "judgement value, no published estimate found", ("四", "十五")),
    Lever("recovery_improvement", "1", 0.0, 0.0, 1.0,
          "Share of the gap between base and maximum recovery rate closed by technology and regulation.",
          _A + "2025 = base recovery; improvement paid by enterprises", ("五",)),
    Lever("green_upgrade_rate", "1/yr", 0.08, 0.0, 1.0,
          "Share of non-green capacity upgraded to the green-mine standard per year.",
          _DF + "green mines 40.8 % (2025) -> 80-90 % target by 2028", ("五",)),
    Lever("intelligent_mining", "1/yr", 0.0, 0.0, 0.1,
          "Extra growth of mining labour productivity from smart mines (智能化).",
          _A + "judgement value, no published estimate found", ("五", "八"), cost_per_unit=20.0, central_share=0.5),
    Lever("rd_intensity", "1", 0.012, 0.0, 0.1,
          "R&D spending as a share of GDP (public share set by public_rd_share).",
          _A + "resource cities below the 2.6 % national intensity", ("七", "八")),
    Lever("successor_support", "bn CNY/yr", 0.6, 0.0, 50.0,
          "Subsidies to successor and new industries (接续替代产业扶持).",
          _A + "judgement value, no published estimate found", ("八", "九", "十二", "二十三"), cost_per_unit=1.0, central_share=0.3),
    Lever("industrial_park_investment", "bn CNY/yr", 0.3, 0.0, 50.0,
          "Public investment in successor-industry parks and innovation platforms.",
          _A + "judgement value, no published estimate found", ("八", "九", "十二"), cost_per_unit=1.0, central_share=0.2),
    Lever("deep_processing_share", "1", 0.3, 0.0, 1.0,
          "Share of local extraction offered to local deep processing (就地转化).",
          _A + "judgement value, no published estimate found", ("十一", "五")),
    Lever("cooperation_inflow", "bn CNY/yr", 0.5, 0.0, 50.0,
          "External capital inflow from regional cooperation and co-built parks (飞地经济).",
          _A + "partner capital; local cost 10 % for park services", ("十", "七"),
          cost_per_unit=0.1, central_share=0.0),
    Lever("infrastructure_investment", "bn CNY/yr", 3.0, 0.0, 100.0,
          "Public investment in transport corridors and connections.",
          _A + "maintains the 2025 infrastructure stock", ("十三",), cost_per_unit=1.0, central_share=0.4),
    Lever("restoration_spending", "bn CNY/yr", 0.05, 0.0, 50.0,
          "Local budget spending on restoring mining-damaged land (historical legacy).",
          _A + "judgement value, no published estimate found", ("十四", "十六"), cost_per_unit=1.0, central_share=0.0),
    Lever("restoration_levy", "CNY/t", 3.0, 0.0, 100.0,
          "Levy per tonne extracted paid into the restoration fund (谁破坏、谁治理), borne by enterprises.",
          _A + "mine geo-environment restoration fund provisions", ("十四", "二十三")),
    Lever("central_budget_investment", "bn CNY/yr", 0.1, 0.0, 50.0,
          "Central budget investment in subsidence governance and independent mining areas.",
          _DF + "central budget investment 4.1 bn CNY (2021) over ~40 areas", ("十二", "二十四"),
          cost_per_unit=1.0, central_share=1.0),
    Lever("hazard_relocation", "thousand persons/yr", 1.0, 0.0, 100.0,
          "Residents relocated out of subsidence hazard zones per year (避险搬迁).",
          _DF + "565 k people relocated 2021-2023", ("十二",), cost_per_unit=0.1, central_share=0.5),
    Lever("phase_out_rate", "1/yr", 0.02, 0.0, 0.5,
          "Share of non-green (backward) capacity closed per year.",
          _A + "judgement value, no published estimate found", ("十五",)),
    Lever("clean_production", "1", 0.3, 0.0, 0.95,
          "Share of emissions removed by clean-production technology.",
          _A + "judgement value, no published estimate found", ("十五", "五"), cost_per_unit=0.5, central_share=0.0),
    Lever("logging_ban", "1", 0.0, 0.0, 1.0,
          "Share of natural-forest logging stopped by the protection ban (acts on timber only: forest regions).",
          "Natural forest logging ban, state forest areas, 2015", ("十四",)),
    Lever("forest_cultivation", "bn CNY/yr", 0.0, 0.0, 10.0,
          "Spending on forest cultivation and restoration, raising regrowth.",
          _A + "judgement value, no published estimate found", ("十四",), cost_per_unit=1.0, central_share=0.7),
    Lever("business_environment_reform", "index points", 0.0, 0.0, 1.0,
          "Improvement of the business-environment index targeted by reform (放管服).",
          _A + "judgement value, no published estimate found", ("十八", "十七"), cost_per_unit=0.5, central_share=0.0),
    Lever("opening_up", "1", 0.0, 0.0, 1.0,
          "Degree of opening-up: trade platforms, bonded zones, international cooperation (attracts investment).",
          _A + "judgement value, no published estimate found", ("十七", "十八"), cost_per_unit=0.5, central_share=0.0),
    Lever("public_service_investment", "bn CNY/yr", 1.0, 0.0, 50.0,
          "Programme investment in public services and urban renewal beyond the budget share.",
          _A + "judgement value, no published estimate found", ("十九", "十六"), cost_per_unit=1.0, central_share=0.3),
    Lever("social_security_coverage", "1", 0.5, 0.0, 1.0,
          "Share of the unemployed receiving social-security benefits.",
          _A + "judgement value, no published estimate found", ("二十",)),
    Lever("retraining_capacity", "thousand persons/yr", 1.0, 0.0, 100.0,
          "Retraining places for laid-off miners per year.",
          _A + "public training bases; cost ~10 k CNY per trainee", ("二十一",),
          cost_per_unit=0.01, central_share=0.5),
    Lever("soe_support", "1", 0.2, 0.0, 1.0,
          "SOE responsibility for keeping surplus workers (slows layoffs).",
          _A + "judgement value, no published estimate found", ("十二",), cost_per_unit=0.5, central_share=1.0),
    Lever("transfer_payment", "bn CNY/yr", 0.0, 0.0, 20.0,
          "Central transfer payment to resource-exhausted cities.",
          _DF + "0.2-0.3 bn CNY/yr per recipient city", ("二十四",), cost_per_unit=1.0, central_share=1.0),
    Lever("credit_support", "bn CNY/yr", 0.3, 0.0, 50.0,
          "Additional bank credit to transforming firms (fiscal cost: 2 % interest subsidy).",
          _A + "judgement value, no published estimate found", ("二十四",), cost_per_unit=0.02, central_share=0.0),
    Lever("land_reuse_rate", "1/yr", 0.05, 0.0, 1.0,
          "Share of restored land converted to construction land per year (seed 二十四).",
          _A + "judgement value, no published estimate found", ("二十四", "十六")),
    Lever("resource_tax_rate", "1", 0.06, 0.0, 0.3,
          "Ad-valorem resource tax on mining output value (price and compensation mechanism).",
          "Resource Tax Law 2020: coal 2-10 %", ("二十三",)),
    Lever("resource_price_index", "1", 1.0, 0.1, 5.0,
          "Exogenous driver: multiplier on the trend resource price (market scenarios).",
          _A + "1 = trend price", ("二十三",), kind="driver"),
    Lever("resource_demand_index", "1", 1.0, 0.0, 3.0,
          "Exogenous driver: national output (demand) of the region's resource relative to 2025 (carbon-peaking paths); "
          "capacity utilisation moves with it one for one.",
          _A + "1 = 2025 demand; scenarios/carbon_peaking.yaml sets a declining path", ("十五",), kind="driver"),
    Lever("national_income_growth", "1/yr", 0.04, -0.1, 0.2,
          "Exogenous driver: real growth of national per-capita disposable income, the comparator of migration.",
          _A + "real growth slowing from 5.1 % (NBS 2024) to ~4 % towards 2035; history from model/data/drivers.csv",
          ("十九",), kind="driver"),
    Lever("national_output_growth", "1/yr", 0.045, -0.1, 0.2,
          "Exogenous driver: real growth of national GDP, the growth of the national market that successor "
          "industries sell to (the accelerator of their investment).",
          _A + "real GDP growth 5.0 % (NBS 2024) slowing to ~4-4.5 % towards 2035; history from "
          "model/data/drivers.csv", ("八", "九"), kind="driver"),
    Lever("national_productivity_growth", "1/yr", 0.045, -0.1, 0.2,
          "Exogenous driver: real growth of national output per worker, the labour-augmenting technical progress "
          "and capital deepening that the region's non-mining firms can adopt.",
          _A + "national employment was nearly flat (76,977 -> 77,640 x 10k, 2013-2017, NBS via "
          "https://www.workercn.cn/papers/grrb/2014/02/25/1/news-5.html and "
          "http://big5.china.com.cn/gate/big5/union.china.com.cn/tbgz/txt/2018-05/22/content_40348833.htm), so "
          "output per worker grows about as fast as GDP per head; history from model/data/drivers.csv",
          ("十一",), kind="driver"),
    Lever("national_unemployment_rate", "1", 0.052, 0.0, 0.3,
          "Exogenous driver: national urban surveyed unemployment rate, the comparator of migration.",
          "NBS: urban surveyed unemployment 5.2 % (2023); history from model/data/drivers.csv", ("二十",),
          kind="driver"),
    Lever("fertility_index", "1", 1.0, 0.0, 5.0,
          "Exogenous driver: births per working-age resident relative to 2023 (the national fertility trend, "
          "which scales the region's birth rate).",
          "NBS: crude birth rate 6.39 per mille (2023); 1 = the rate of 2023 held; history from "
          "model/data/drivers.csv", ("十二",), kind="driver"),
)

LeverIndex = IntEnum("LeverIndex", [lever.name for lever in LEVERS], start=0)
"""Position of each lever on axis 0 of a lever array."""

LEVER_NAMES: tuple[str, ...] = tuple(lever.name for lever in LEVERS)
N_LEVERS: int = len(LEVERS)

OUTSIDE_BOUNDARY: dict[str, str] = {
    "二十二": "Organisation and leadership (组织领导) changes who decides, not a physical or monetary "
              "flow of one region; its effect is represented by the other levers being carried out.",
}
"""Seed measures without a lever, with the reason they lie outside the model boundary."""

SEED_SECTIONS: tuple[str, ...] = (
    "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六",
    "十七", "十八", "十九", "二十", "二十一", "二十二", "二十三", "二十四",
)
"""The measures (四)–(二十四) of the seed plan, in order."""

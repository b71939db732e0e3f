"""Parameters of the economy, innovation and openness sectors (seed 三, 七, 八, 十一, 十七–十八)."""
from __future__ import annotations

from restrans.model.parameter_declaration import ASSUMPTION as _A, parameter as _p

CALIBRATED = "Calibrated to the region's 2025 state (sim/engine/calibration.py)"

ECONOMY_PARAMETERS = (
    _p("mining_value_added_share", 0.55, "1", (0.05, 1.0), (0.45, 0.65),
       "Value added as a share of mining output value.",
       _A + "coal mining value added / gross output ~0.5-0.6", "economy"),
    _p("mining_local_input_share", 0.3, "1", (0.0, 1.0), (0.15, 0.5),
       "Share of the mines' intermediate consumption (output value less value added) bought from the local sector.",
       _A + "haulage, repairs, catering and site building are bought locally; machinery, explosives, power and "
       "fuel mostly come from outside", "economy"),
    _p("processing_capital_productivity", 0.36, "1/yr", (0.05, 1.0), (0.25, 0.45),
       "Value added per unit of processing capital at full input supply.", _A + "capital-output ratio ~3", "economy"),
    _p("processing_input_per_capital", 0.1, "Mt/yr per bn CNY", (0.001, 10.0), (0.05, 0.2),
       "Raw resource needed per bn CNY of processing capital running at full use.",
       _A + "judgement value, no published estimate found", "economy"),
    _p("new_industry_capital_productivity", 0.33, "1/yr", (0.05, 1.0), (0.25, 0.45),
       "Value added per unit of new-industry capital with ample land and 2025 knowledge.",
       _A + "capital-output ratio ~3", "economy"),
    _p("land_per_capital", 0.3, "km2 per bn CNY", (0.001, 10.0), (0.15, 0.5),
       "Construction land used per bn CNY of new-industry capital.",
       _A + "industrial land ~3 km2 per 10 bn CNY fixed assets", "economy"),
    _p("knowledge_elasticity", 0.3, "1", (0.0, 0.5), (0.1, 0.3),
       "Elasticity of successor productivity with respect to the knowledge stock.",
       _A + "R&D capital output elasticities 0.1-0.3 in the literature", "economy"),
    _p("knowledge_reference", 14.0, "bn CNY", (0.01, 1e5), None,
       "Knowledge stock at which the knowledge effect equals 1 (the 2025 stock).", CALIBRATED, "economy"),
    _p("knowledge_lifetime", 8.0, "yr", (1.0, 50.0), (6.0, 12.0),
       "Average life of knowledge before it is obsolete.", _A + "R&D depreciation ~12-15 %/yr", "economy"),
    _p("productivity_diffusion", 1.0, "1", (0.0, 2.0), (0.6, 1.2),
       "Share of the national growth of output per worker that the region's non-mining firms adopt "
       "(1 = they keep pace with the nation).",
       _A + "1 = national pace; Chinese prefectures' real growth tracked the nation's within a few points in "
       "2010-2017 (model/data/history.csv); fitted per city by restrans calibrate", "economy",
       _A + "0.6-1.2: resource-curse studies find slower productivity growth in resource cities; "
       "restrans calibrate fits it per city"),
    _p("rd_efficiency", 1.0, "1", (0.0, 3.0), (0.5, 1.5),
       "Knowledge created per unit of R&D spending.", _A + "judgement value, no published estimate found",
       "economy"),
    _p("cooperation_spillover", 0.2, "1", (0.0, 5.0), (0.1, 0.4),
       "Knowledge gained per unit of capital inflow from regional cooperation.",
       _A + "technology transfer with co-built parks (seed 十)", "economy"),
    _p("public_rd_share", 0.2, "1", (0.0, 1.0), (0.1, 0.3),
       "Share of R&D spending paid from the local budget.",
       _A + "government funds ~20 % of China's R&D (NBS R&D communiqué)", "economy"),
    _p("market_growth_response", 1.0, "1", (0.0, 3.0), (0.5, 1.5),
       "Growth of successor-industry capital that investors finance, relative to national output growth, "
       "when the capital is fully manned and the investment climate is at its reference.",
       _A + "1 = capital keeps pace with the national market; with a capital-output ratio of ~3, depreciation "
       "7 %/yr and growth 8 %/yr this is investment of ~45 % of value added, China's gross capital formation "
       "of 42-46 % of GDP in 2010-2019 (World Bank NE.GDI.TOTL.ZS, "
       "https://apiardata.com/statistics/cn-gross-capital-formation-gdp)", "economy"),
    _p("capital_depreciation_rate", 0.07, "1/yr", (0.0, 0.5), (0.05, 0.1),
       "Depreciation rate of successor-industry capital.",
       _A + "China fixed-capital depreciation ~5-10 %/yr", "economy"),
    _p("subsidy_leverage", 2.0, "1", (0.0, 10.0), (1.0, 3.0),
       "Investment mobilised per yuan of successor-industry subsidy (including the yuan).",
       _A + "judgement value, no published estimate found", "economy"),
    _p("park_leverage", 3.0, "1", (0.0, 10.0), (1.5, 4.0),
       "Investment attracted per yuan of industrial-park investment (including the yuan).",
       _A + "judgement value, no published estimate found", "economy"),
    _p("crowding_out_strength", 5.0, "1", (0.0, 50.0), (2.0, 10.0),
       "How strongly a mining boom (margin above reference) depresses new-industry investment, "
       "per unit of mining's share of GDP.",
       _A + "Ordos-type crowding-out (domain-facts: growing cities)", "economy"),
    _p("service_productivity", 0.05, "bn CNY/yr per thousand workers", (0.001, 1.0), None,
       "Value added per worker of the local sector (services, public sector, construction, agriculture) in 2025.",
       CALIBRATED, "economy"),
    _p("successor_labour_productivity", 0.26, "bn CNY/yr per thousand workers", (0.01, 5.0), None,
       "Value added per successor-industry worker at the 2025 knowledge stock.", CALIBRATED, "economy"),
    _p("farm_output_growth", 0.035, "1/yr", (-0.05, 0.1), (0.025, 0.045),
       "Real growth of the value added of farming, forestry, herding and fishing: yields on fixed farmland.",
       _A + "primary industry real growth ~3-4 %/yr in 2010-2024; e.g. Liaoning 2019-2020 3.0 %/yr "
       "(https://tjj.panjin.gov.cn/2021_05/20_10/content-322663.html), Bengbu 2024 2.2 % "
       "(http://www.ilynn.cn/document_detail/133968.html)", "economy"),
    _p("household_service_propensity", 0.35, "1", (0.0, 1.0), (0.25, 0.45),
       "Share of household income spent on local non-traded services at the reference income per resident "
       "(service_income_reference).",
       "NBS 2023: service consumption 45.2 % of consumption, consumption ~68 % of disposable income "
       "(https://www.stats.gov.cn/sj/zxfb/202401/t20240117_1946624.html)", "economy"),
    _p("service_income_elasticity", 1.29, "1", (0.0, 3.0), (1.0, 1.6),
       "Income elasticity of household spending on local services: above 1, the share of income spent on them "
       "rises with income per head (Engel's law; services are the income-elastic part of consumption).",
       "Fitted to the NBS household survey 2013-2019 (at current prices, as the statistical shares are): spending "
       "on services per head 5,246 -> 9,886 CNY (39.7 -> 45.9 % of consumption, "
       "https://www.shdbkk.com/html_3/jiadian/18432/list/17.html), disposable income per head 18,311 "
       "(http://news.hebei.com.cn/system/2014/02/25/013235154.shtml) -> 30,733 CNY "
       "(http://m.huakuclub.com/xwzx/gnsz/gdxw/202001/17/t20200117_34145929.shtml), consumer prices +12.75 % "
       "(model/data/drivers.csv, 2014-2019): the services' share of income rose by a factor of 1.123 while real "
       "income rose 1.489 times, so 1 + ln 1.123 / ln 1.489 = 1.29. Not 2020-2023: the pandemic cut service "
       "spending (43.2 % of consumption in 2022, http://rmlt.com.cn/2023/0922/683572.shtml)", "economy",
       plausible_source=_A + "from 1 (a fixed share, as the model had before) to 1.6 (twice the fitted excess "
       "over 1); no published spread for China found"),
    _p("service_income_reference", 30.0, "thousand CNY/person/yr", (1.0, 1e3), None,
       "Household income per resident at which the share spent on local services is "
       "household_service_propensity (the start-year income per resident).",
       "Calibrated to the region's start state (sim/engine/calibration.py)", "economy"),
    _p("local_works_content", 0.3, "1", (0.0, 1.0), (0.2, 0.5),
       "Share of public investment spending that becomes local construction and service value added.",
       _A + "construction value added ~25-30 % of gross output; materials largely bought outside", "economy"),
)

OPENNESS_PARAMETERS = (
    _p("business_environment_elasticity", 1.0, "1", (0.0, 5.0), (0.5, 1.5),
       "Elasticity of investment attraction with respect to the business-environment index.",
       _A + "judgement value, no published estimate found", "openness"),
    _p("connectivity_elasticity", 0.3, "1", (0.0, 5.0), (0.1, 0.5),
       "Elasticity of investment attraction with respect to infrastructure capital.",
       _A + "judgement value, no published estimate found", "openness"),
    _p("environment_attraction_elasticity", 0.5, "1", (0.0, 5.0), (0.25, 1.0),
       "Elasticity of investment attraction with respect to environmental quality.",
       _A + "judgement value, no published estimate found", "openness"),
    _p("opening_attraction_effect", 0.15, "1", (0.0, 2.0), (0.05, 0.3),
       "Relative gain of investment attraction at full opening-up (market access, bonded zones, platforms).",
       _A + "judgement value, no published estimate found", "openness"),
    _p("business_environment_adjustment_time", 3.0, "yr", (0.25, 20.0), (2.0, 5.0),
       "Time for the business environment to respond to reform.",
       _A + "judgement value, no published estimate found", "openness"),
    _p("infrastructure_reference", 100.0, "bn CNY", (0.1, 1e5), None,
       "Infrastructure capital at which connectivity equals 1 (the 2025 stock).", CALIBRATED, "openness"),
    _p("infrastructure_lifetime", 30.0, "yr", (5.0, 100.0), (20.0, 50.0),
       "Average life of infrastructure capital.", _A + "judgement value, no published estimate found",
       "openness"),
)

"""Parameters of the labour market and the population (seed 七, 十二, 十九–二十一)."""
from __future__ import annotations

from restrans.model.parameter_declaration import ASSUMPTION as _A, parameter as _p

CALIBRATED = "Calibrated to the region's 2025 state (sim/engine/calibration.py)"
NBS_2023 = ("NBS Statistical Communiqué 2023: birth rate 6.39 per mille, death rate 7.87 per mille, "
            "65+ 15.4 %, 15-64 ~68 % (https://www.stats.gov.cn/sj/zxfb/202402/t20240228_1947915.html)")

NBS_WAGES = ("NBS average wages 2023 (http://news.cnnb.com.cn/system/2024/05/17/030586993.shtml, NBS release "
             "mirrored)")
TO_2025 = ("grown to 2025 with national disposable income per head (39,218 CNY in 2023, "
           "https://www.stats.gov.cn/sj/zxfb/202401/t20240117_1946624.html, to the 2025 value of the "
           "national_income_per_capita stock, x 1.096)")

LABOUR_PARAMETERS = (
    _p("layoff_time", 2.0, "yr", (0.25, 20.0), (1.0, 4.0),
       "Time to shed surplus workers without SOE support.", _A + "judgement value, no published estimate found",
       "people"),
    _p("soe_layoff_slowdown", 2.0, "1", (0.0, 10.0), (1.0, 3.0),
       "Relative lengthening of the mining layoff time at full SOE support.",
       _A + "SOEs retain surplus workers (seed 十二)", "people"),
    _p("frictional_unemployment_rate", 0.045, "1", (0.03, 0.15), (0.035, 0.055),
       "Unemployment rate of a balanced labour market (vacancies = job-seekers): search frictions only.",
       _A + "China's natural rate of urban unemployment is usually estimated at 4-5.5 %", "people"),
    _p("job_separation_rate", 0.1, "1/yr", (0.0, 0.15), (0.05, 0.15),
       "Share of workers who leave their job per year for another search (quits, contract ends).",
       _A + "annual job-to-unemployment flows of 5-20 % of employment in urban China", "people"),
    _p("tightness_half_saturation", 1.0, "1", (0.25, 1.5), (0.5, 1.5),
       "Shape of the matching function: the job-finding rate of a very tight market is (1 + this) times the "
       "balanced-market rate (bounds keep it below 16/yr, what Euler at dt 1/16 integrates).",
       _A + "judgement value, no published estimate found", "people"),
    _p("successor_skill_match", 0.3, "1", (0.0, 1.0), (0.1, 0.5),
       "Eligibility of the other unemployed for successor-industry jobs, relative to retrained workers.",
       _A + "most registered urban unemployed in resource cities are low-skilled (seed 七: talent shortage)",
       "people"),
    _p("local_job_search", 0.01, "1", (0.0, 1.0), (0.005, 0.02),
       "Search for successor-industry jobs by local-sector workers (services, building, the farms of the city's "
       "counties), per worker, relative to an unemployed job-seeker: job-to-job moves up the wage ladder.",
       _A + "China's farm labour moved to non-farm work at about 8 million a year for 30 years (X. Liu, China's "
       "Rural Labor Migration and Its Economic Development, ch. 2, https://livelib.biz/read_639479/p9), about 3 % "
       "of the 279 million in farming in 2010 (NBS); 0.01 moves 2 %/yr of local workers at the balanced-market "
       "finding rate (0.1 x 0.955 / 0.045 = 2.1/yr); employed seekers are 3-4 times as effective per unit of "
       "effort as the unemployed but few search (Faberman et al., https://topsight.net/paper/W3153513056)",
       "people"),
    _p("laid_off_service_match", 0.3, "1", (0.0, 1.0), (0.15, 0.5),
       "Eligibility of laid-off miners for local-sector jobs without retraining, relative to other job-seekers.",
       _A + "skills mismatch and wage expectations of former SOE miners: a third of the success of other job-seekers", "people"),
    _p("retraining_enrolment_time", 1.0, "yr", (0.25, 10.0), (0.5, 2.0),
       "Average time for a laid-off miner to enrol when retraining places are plentiful.",
       _A + "domain-facts: retraining uptake low and stipend-elastic", "people"),
    _p("discouraged_exit_rate", 0.1, "1/yr", (0.0, 1.0), (0.05, 0.2),
       "Share of the other unemployed who stop searching per year and leave the labour force.",
       _A + "judgement value, no published estimate found", "people"),
    _p("labour_force_entry_rate", 0.1, "1/yr", (0.0, 1.0), None,
       "Share of the inactive working-age residents entering the labour force per year.", CALIBRATED, "people"),
    _p("national_income_reference", 43.0, "thousand CNY/person/yr", (1.0, 1e3), None,
       "National income per head at which per-head standards, benefits and pensions take their stated values "
       "(the start-year national income).",
       "Calibrated to the region's start state (sim/engine/calibration.py)", "people"),
    _p("hukou_retention", 0.8, "1", (0.0, 1.0), (0.6, 0.95),
       "Share of migrants who keep their household registration (hukou) where they came from: leavers stay on "
       "the city's register, arrivals are not added to it.",
       "NBS census 2020 communique no. 7: 375.8 M people lived away from their place of registration (+70 % since "
       "2010), and 45.4 % of people held an urban hukou against 63.9 % living in towns "
       "(http://zzndh.com/a/202105/509119.html, NBS release mirrored); "
       + _A + "0.8 for a prefecture's migrants", "people"),
    _p("in_migrant_participation", 0.8, "1", (0.0, 1.0), (0.7, 0.9),
       "Share of working-age in-migrants who join the labour force.",
       _A + "labour migrants dominate working-age moves", "people"),
    _p("mining_wage", 132.3, "thousand CNY/person/yr", (10.0, 500.0), (110.0, 180.0),
       "Average gross wage of a mine worker in 2025, before the deductions of net_wage_share.",
       NBS_WAGES + ": urban non-private units 120,698 CNY, and mining is the best-paid sector of the non-private "
       "units of Inner Mongolia, Shanxi and Heilongjiang, so the average is a floor; " + TO_2025, "people"),
    _p("successor_wage", 107.6, "thousand CNY/person/yr", (10.0, 500.0), (85.0, 135.0),
       "Average gross wage of a processing or new-industry worker in 2025.",
       NBS_WAGES + ": enterprises above designated size 98,096 CNY; " + TO_2025, "people"),
    _p("local_sector_labour_share", 0.75, "1", (0.1, 1.0), (0.6, 0.9),
       "Share of the local sector's value added paid to its workers (wages of services and the public sector, "
       "mixed income of farms and the self-employed).",
       _A + "labour-intensive: farm and self-employed income is counted as labour income in China's input-output "
       "tables; national compensation of employees 51.4 % of GDP in 2017 (https://daowen.com/lilun/1067887.html), "
       "capital-intensive industry included",
       "people"),
    _p("wage_level", 1.0, "1", (0.1, 5.0), (0.4, 1.5),
       "Average wage of the region's urban units relative to the national average (miners and industry).",
       "City presets: the city's average wage of urban units in 2010 (CSMAR table) / the national 37,147 CNY "
       "(model/data/history.csv); a type: the median of its cities", "people"),
    _p("net_wage_share", 0.8, "1", (0.5, 1.0), (0.75, 0.88),
       "Share of the gross wage households keep: NBS wages include the employee's social insurance, housing "
       "fund and income tax withheld by the employer.",
       "NBS definition of the wage (http://dzb.jmrb.com:8090/jmrb/html/2024-05/18/content_703617.htm); "
       + _A + "employee social insurance 10.5 % (pension 8, medical 2, unemployment 0.5), housing fund 5-12 %, "
       "income tax a few per cent", "people"),
    _p("unemployment_benefit", 15.0, "thousand CNY/person/yr", (0.0, 100.0), (10.0, 20.0),
       "Annual social-security benefit per covered unemployed person.",
       _A + "unemployment insurance ~80-90 % of minimum wage", "people"),
    _p("social_security_central_share", 0.4, "1", (0.0, 1.0), (0.3, 0.6),
       "Central share of unemployment benefits paid in the region.",
       _A + "judgement value, no published estimate found", "fiscal"),
    _p("pension_per_elderly", 18.0, "thousand CNY/person/yr", (0.0, 100.0), (12.0, 24.0),
       "Average pension income per resident aged 65 or more (employee and resident schemes mixed).",
       _A + "enterprise retirees ~36 k CNY/yr, resident scheme ~2.4 k; resource cities mostly former SOE staff",
       "people"),
    _p("pension_local_share", 0.1, "1", (0.0, 1.0), (0.05, 0.2),
       "Share of pensions the local budget pays (subsidies to the pension funds).",
       _A + "provincial pooling and central subsidies carry most of the cost", "fiscal"),
)

POPULATION_PARAMETERS = (
    _p("birth_rate", 0.0093, "1/yr", (0.0, 0.05), (0.004, 0.012),
       "Births per working-age resident (15-64) per year at the national fertility of 2023 (the driver "
       "fertility_index moves it over time); a city preset's own level from its data.", NBS_2023 + "; 6.39 / 0.69",
       "people", "provincial crude birth rates over the national 2011-2022, model/data/history.csv: "
       "Heilongjiang 0.5-0.6, Liaoning 0.5-0.6, Henan and Anhui 1.0-1.1 times the nation's"),
    _p("child_mortality", 0.0005, "1/yr", (0.0, 0.05), (0.0003, 0.001),
       "Deaths per resident aged 0-14 per year.", _A + "under-15 mortality ~0.5 per mille", "people"),
    _p("working_age_mortality", 0.0023, "1/yr", (0.0, 0.05), (0.0015, 0.003),
       "Deaths per resident aged 15-64 per year.", NBS_2023 + "; ~20 % of deaths below 65", "people"),
    _p("elderly_mortality", 0.041, "1/yr", (0.0, 0.3), (0.035, 0.05),
       "Deaths per resident aged 65 or more per year.", NBS_2023 + "; ~80 % of deaths at 65+", "people"),
    _p("childhood_years", 15.0, "yr", (1.0, 30.0), None,
       "Years in the child group (0-14) before entering working age.", "Definition of the age groups", "people"),
    _p("working_years", 50.0, "yr", (10.0, 70.0), None,
       "Years in the working-age group (15-64) before entering the elderly group.",
       "Definition of the age groups", "people"),
    _p("base_migration_rate", 0.01, "1/yr", (0.0, 0.1), (0.005, 0.02),
       "Gross out- and in-migration per working-age resident when the region is as attractive as the nation.",
       _A + "inter-prefecture moves ~1-2 %/yr of residents (2015 1 % population survey)", "people"),
    _p("child_migration_relative", 0.6, "1", (0.0, 2.0), (0.4, 0.8),
       "Migration rate of children relative to working-age residents (many are left behind).",
       _A + "left-behind children: about half of migrants' children stay", "people"),
    _p("elderly_migration_relative", 0.2, "1", (0.0, 2.0), (0.1, 0.3),
       "Migration rate of the elderly relative to working-age residents.",
       _A + "the old rarely move (north-east China out-migration is working-age)", "people"),
    _p("migration_attractiveness_limit", 2.0, "1", (0.1, 3.0), (1.5, 3.0),
       "Saturation of attractiveness: migration rates move at most by exp(+-limit) from the base rate.",
       _A + "exp(2) = 7 times the base rate is beyond any observed regional response", "people"),
    _p("migration_income_sensitivity", 0.3, "1", (0.0, 10.0), (0.15, 1.5),
       "Sensitivity of migration to log relative income.", _A + "Harris-Todaro type response", "people",
       plausible_source=(_A + "lower end half the default (judgement); upper end the one published estimate "
                         "found, the income elasticity of migration kappa = 1.5 of Tombe and Zhu (2019, "
                         "https://www.aeaweb.org/articles?id=10.1257/aer.20150811; used at that value in "
                         "https://github.com/JamesMacek/SYP), for migration shares between Chinese provinces")),
    _p("migration_unemployment_sensitivity", 3.0, "1", (0.0, 100.0), (1.5, 6.0),
       "Sensitivity of migration to the unemployment gap with the nation.",
       _A + "judgement value, no published estimate found", "people"),
    _p("migration_environment_sensitivity", 0.5, "1", (0.0, 10.0), (0.25, 1.0),
       "Sensitivity of migration to environmental quality.", _A + "judgement value, no published estimate found",
       "people"),
    _p("migration_service_sensitivity", 0.3, "1", (0.0, 10.0), (0.15, 0.6),
       "Sensitivity of migration to the log public-service index.",
       _A + "judgement value, no published estimate found", "people"),
    _p("national_environment_quality", 0.7, "1", (0.0, 1.0), (0.6, 0.8),
       "Environmental quality of the average destination region.",
       _A + "judgement value, no published estimate found", "people"),
)

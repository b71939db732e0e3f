"""Unit and doc of every auxiliary and flow returned by :func:`restrans.model.system.auxiliaries`.

Stocks are declared in :mod:`restrans.model.stocks`; a test checks that this table and
the auxiliaries returned by the model name exactly the same variables.
:data:`HELPERS` declares the intermediate values of the wiring in
:mod:`restrans.model.system` (its local variables that are not auxiliaries):
the generated Vensim twin shows each under this name, with its unit and doc,
and tracing refuses a local variable that is declared in neither table.
"""
from __future__ import annotations

from restrans.model.variables_people import PEOPLE_AUXILIARIES, PEOPLE_HELPERS

_MONEY = "bn CNY/yr"
_CAPACITY_FLOW = "Mt/yr per yr"

_RESOURCE_AUXILIARIES: dict[str, tuple[str, str]] = {
    "price": ("CNY/t", "Market price of the resource: trend price x price index."),
    "recovery_rate": ("1", "Whole-mine recovery rate: extracted / depleted reserves."),
    "mining_margin": ("1", "Margin of mining over its full cost, resource tax and restoration levy, per yuan of price."),
    "operating_margin": ("1", "Margin of mining over its cash cost alone (wages, materials, power), per yuan of price."),
    "operating_capacity_share": ("1", "Share of capacity covering its cash cost, relative to the reference state."),
    "utilisation": ("1", "Capacity utilisation."),
    "planned_extraction": ("Mt/yr", "Extraction the mines plan: capacity x utilisation, limited by reserves and the ban."),
    "extraction": ("Mt/yr", "Extraction (logging for forest regions): the plan, limited by the miners employed."),
    "depletion": ("Mt/yr", "Reserves consumed: extraction / recovery rate."),
    "sterilisation": ("Mt/yr", "Reserves sterilised by ecological red lines."),
    "capacity_investment": (_CAPACITY_FLOW, "New mining capacity."),
    "capacity_retirement": (_CAPACITY_FLOW, "Mining capacity retired at end of life."),
    "capacity_closure": (_CAPACITY_FLOW, "Mining capacity closed because it no longer covers its cash cost."),
    "green_retirement": (_CAPACITY_FLOW, "Green capacity retired at end of life."),
    "green_share": ("1", "Share of capacity meeting the green-mine standard."),
    "non_green_capacity": ("Mt/yr", "Mining capacity below the green-mine standard."),
    "mining_output_value": (_MONEY, "Gross output value of mining."),
    "desired_mining_employment": ("thousand persons", "Mining jobs needed: planned extraction / labour productivity."),
    "discovery": ("Mt/yr", "Undiscovered resource proven by exploration."),
    "regrowth": ("Mt/yr", "Logistic regrowth of a renewable resource."),
    "capacity_phase_out": (_CAPACITY_FLOW, "Backward capacity closed by policy (as far as compensation is funded)."),
    "green_upgrading": (_CAPACITY_FLOW, "Capacity upgraded to the green-mine standard (as far as subsidies are funded)."),
}

_ECONOMY_AUXILIARIES: dict[str, tuple[str, str]] = {
    "productivity_multiplier": ("1", "Knowledge effect on successor productivity (per unit of capital and per worker)."),
    "labour_productivity_multiplier": ("1", "Knowledge effect x technology index on output per successor worker."),
    "processing_input_use": ("1", "Share of processing capacity local raw material can feed."),
    "land_multiplier": ("1", "Share of new-industry capital with construction land."),
    "desired_successor_employment": ("thousand persons", "Successor jobs needed at potential output."),
    "successor_labour_fill": ("1", "Share of successor jobs filled."),
    "processing_output": (_MONEY, "Value added of resource-processing industries."),
    "new_industry_output": (_MONEY, "Value added of independent new industries."),
    "mining_value_added": (_MONEY, "Value added of mining."),
    "local_productivity": ("bn CNY/yr per thousand workers", "Value added per local-sector worker (technology included)."),
    "mining_local_purchases": (_MONEY, "Inputs mines buy from the local sector (haulage, repairs, catering, building)."),
    "service_value_added": (_MONEY, "Value added of the local sector (services, public sector, construction, farms)."),
    "gdp": (_MONEY, "Gross regional product (2025 prices)."),
    "successor_share": ("1", "Successor industries' share of GDP (diversification)."),
    "mining_share": ("1", "Mining's share of GDP."),
    "investment_attraction": ("1", "Multiplier on new-industry investment from environment, connectivity, business climate, opening."),
    "crowding_out": ("1", "Multiplier on new-industry investment from a mining boom (< 1 = crowded out)."),
    "new_industry_market_investment": (_MONEY, "New-industry investment the national market calls for, before the climate."),
    "processing_market_investment": (_MONEY, "Processing investment the national market calls for, before raw-material limits."),
    "new_industry_investment": (_MONEY, "Gross investment in new industries."),
    "processing_investment": (_MONEY, "Gross investment in processing."),
    "knowledge_creation": (_MONEY, "R&D and spillovers added to the knowledge stock."),
    "funded_infrastructure_investment": (_MONEY, "Infrastructure investment made (after the borrowing limit)."),
    "funded_intelligent_mining": ("1/yr", "Extra mining productivity growth funded (after the borrowing limit)."),
    "funded_business_environment_reform": ("index points", "Business-environment reform funded (after the borrowing limit)."),
}

_ECOLOGY_AUXILIARIES: dict[str, tuple[str, str]] = {
    "subsidence_creation": ("km2/yr", "New subsidence from underground extraction."),
    "land_disturbance": ("km2/yr", "New damaged land from extraction."),
    "subsidence_governance": ("km2/yr", "Subsidence area governed."),
    "land_restoration": ("km2/yr", "Damaged land restored."),
    "land_conversion": ("km2/yr", "Restored land converted to construction land."),
    "pollution_decay": ("kt/yr", "Decay of the pollution load."),
    "emissions": ("kt/yr", "Pollutant emissions."),
    "environment_quality": ("1", "Environmental-quality index (1 = pristine)."),
    "restoration_levy_income": (_MONEY, "Levy paid into the restoration fund."),
    "restoration_fund_drawdown": (_MONEY, "Restoration fund spent on restoration."),
    "subsidence_governance_spending": (_MONEY, "Central plus matched local spending on subsidence governance."),
}

_FISCAL_AUXILIARIES: dict[str, tuple[str, str]] = {
    "own_revenue": (_MONEY, "Local own fiscal revenue: resource tax and general taxes."),
    "standard_spending": (_MONEY, "Standard spending on public services and wages: recognised spending less the 2025 programmes."),
    "general_transfers": (_MONEY, "Equalisation transfers closing part of the gap of standard spending over own revenue."),
    "local_social_security": (_MONEY, "Local share of unemployment benefits and pension subsidies."),
    "interest": (_MONEY, "Interest on local debt."),
    "debt_limit": ("bn CNY", "Borrowing limit: debt ceiling from the debt-to-revenue ratio."),
    "services_funded": (_MONEY, "Standard public spending made (after the borrowing limit)."),
    "local_programmes_planned": (_MONEY, "Local share of the levers, matched programmes and public R&D as scheduled."),
    "local_programmes_funded": (_MONEY, "Local share of the levers, matched programmes and public R&D made."),
    "funded_share": ("1", "Share of the planned local programme spending the budget can pay (1 = no cut)."),
    "surplus_investment": (_MONEY, "Budget surplus beyond debt repayment, invested in public-service capital."),
    "public_revenue": (_MONEY, "All local budget revenue: own revenue, general transfers, earmarked central funds."),
    "public_spending": (_MONEY, "All local budget spending, interest included."),
    "deficit": (_MONEY, "Public spending minus public revenue: the change of local debt."),
    "spending_cut": (_MONEY, "Planned spending not made because of the borrowing limit."),
    "debt_ratio": ("1", "Local debt / (own revenue + general transfers)."),
    "fiscal_self_sufficiency": ("1", "Own revenue / all local public spending (transfers included)."),
    "central_policy_cost": (_MONEY, "Central-government spending on the levers and benefits."),
    "local_policy_cost": (_MONEY, "Local-government spending on the levers, matched programmes, R&D and benefits."),
    "policy_cost": (_MONEY, "Total public spending on the levers and benefits."),
    "planned_policy_cost": (_MONEY, "Policy cost as scheduled, before the borrowing limit cuts local programmes."),
    "public_service_investment_total": (_MONEY, "Investment in public-service capital."),
    "public_works_spending": (_MONEY, "Public investment spending that employs local builders while it runs."),
}

AUXILIARIES: dict[str, tuple[str, str]] = {**_RESOURCE_AUXILIARIES, **_ECONOMY_AUXILIARIES, **_ECOLOGY_AUXILIARIES,
                                          **_FISCAL_AUXILIARIES, **PEOPLE_AUXILIARIES}
"""Unit and doc of every auxiliary and flow, by name."""

HELPERS: dict[str, tuple[str, str]] = {
    # resources
    "capacity_reserve_life": ("yr", "Reserve life at full capacity: recoverable reserves / mining capacity."),
    "reference_operating_margin": ("1", "Operating margin (over cash cost) at the reference margin and price."),
    "profit_effect": ("1", "Multiplier of the margin on capacity investment (1 at the reference margin)."),
    # ecology
    "subsidence_area_funded": ("km2/yr", "Subsidence area the governance budget and hazard relocation can treat."),
    "restoration_budget": (_MONEY, "Money for land restoration: fund drawdown plus restoration spending."),
    "restoration_area_funded": ("km2/yr", "Damaged land the restoration budget can pay to restore."),
    # economy
    "processing_potential_output": (_MONEY, "Value added processing capital could produce with a full workforce."),
    "new_industry_potential_output": (_MONEY, "Value added new-industry capital could produce with a full workforce."),
    "exploration_ratio": ("1", "Exploration spending made / the reference exploration spending."),
    "recognised_spending": (_MONEY, "Standard spending recognised by equalisation: spending per resident x residents."),
    "upgrade_funding": ("1", "Share of green-upgrade and phase-out programmes funded (central share in full)."),
    "funded_rd_intensity": ("1", "R&D intensity after the public share was cut by the borrowing limit."),
    # public finance
    "central_lever_cost": (_MONEY, "Central spending on the levers with a cost per unit."),
    "local_lever_cost": (_MONEY, "Local spending on the levers with a cost per unit, as scheduled."),
    "shared_costs": (_MONEY, "Green-upgrade subsidy and phase-out compensation as scheduled, split central/local."),
    "governance_match": (_MONEY, "Local match of central subsidence investment, as scheduled."),
    "public_rd": (_MONEY, "Public R&D spending, as scheduled."),
    "available": (_MONEY, "Money for services and programmes: own revenue, transfers and borrowing room after interest and social security."),
    "local_spending": (_MONEY, "Spending from own funds: services, local social security, interest, local programmes."),
    "surplus": (_MONEY, "Own revenue and general transfers left after all planned local spending (0 if none)."),
    "repayment": (_MONEY, "Debt repaid out of a surplus: at most the debt over the adjustment time."),
    "earmarked": (_MONEY, "Central money earmarked for levers and programmes (in and out of the budget)."),
    **PEOPLE_HELPERS,
}
"""Unit and doc of every intermediate value of :mod:`restrans.model.system` that is not an auxiliary."""

"""Parameters of public services and the local budget (seed 七, 八, 十九, 二十二–二十四)."""
from __future__ import annotations

from restrans.model.parameter_declaration import ASSUMPTION as _A, parameter as _p

CALIBRATED = "Calibrated to the region's 2025 state (sim/engine/calibration.py)"
FUXIN_BUDGET = ("Fuxin 2023 general budget: revenue 4.74 bn, expenditure 17.36 bn CNY, ~1.64 M residents "
                "(https://www.bkwk.cn/article/fxjmlnzzcsbhdjjslycsdj.html)")

FISCAL_PARAMETERS = (
    _p("resource_tax_base_share", 1.0, "1", (0.0, 1.0), (0.8, 1.0),
       "Share of the resource tax on the region's output that the local budget keeps.",
       _A + "resource tax is a local tax (Resource Tax Law 2020); provinces keep part in some regions", "fiscal"),
    _p("general_tax_rate", 0.075, "1", (0.0, 0.5), (0.06, 0.09),
       "Local general-budget revenue (other than resource tax) as a share of GDP.", FUXIN_BUDGET + "; 4.74 / ~66",
       "fiscal", _A + "local general budget revenue 6-9 % of GDP in resource cities"),
    _p("public_service_spending_per_capita", 10.5, "thousand CNY/person/yr", (0.0, 100.0), (8.0, 14.0),
       "General-budget spending per resident recognised as standard (基本公共服务标准): basic services, "
       "administration and wages, plus the programmes the levers represent at their 2025 level.",
       FUXIN_BUDGET + "; 17.36 bn / 1.64 M", "fiscal", _A + "prefecture-level cities spend 8-14 k CNY/resident"),
    _p("equalised_programme_spending", 2.0, "bn CNY/yr", (0.0, 1e3), None,
       "Local programme spending of 2025 (the levers' local share at their 2025 values) inside standard spending; "
       "programmes above it are not equalised and are paid from own funds or debt.", CALIBRATED, "fiscal"),
    _p("public_service_capital_share", 0.2, "1", (0.0, 1.0), (0.1, 0.3),
       "Share of standard public spending invested in public-service capital (schools, hospitals, utilities).",
       _A + "capital outlays ~15-25 % of general budget spending", "fiscal"),
    _p("equalisation_coefficient", 0.95, "1", (0.0, 1.0), (0.85, 1.0),
       "Share of the gap between standard spending and own revenue closed by general (equalisation) transfers.",
       "MOF 中央对地方均衡性转移支付办法: transfer = (standard spending - standard revenue) x coefficient; "
       "with provincial top-ups; " + FUXIN_BUDGET + ": transfers and borrowing cover (17.36 - 4.74) bn, the whole gap",
       "fiscal", "ASSUMPTION: 85-100 % of the gap closed by central and provincial transfers"),
    _p("transfer_household_share", 0.5, "1", (0.0, 1.0), (0.3, 0.7),
       "Share of the resource-exhausted-city transfer paid to households (social-security and subsistence "
       "top-ups); the rest funds public-service capital.",
       _A + "MOF rules earmark the transfer for social security, public services and the environment", "fiscal"),
    _p("interest_rate", 0.03, "1/yr", (0.0, 0.2), (0.025, 0.04),
       "Interest on local government debt.", _A + "local government bond yields 2.5-3.5 % (2020-2024)", "fiscal"),
    _p("debt_limit_ratio", 2.0, "1", (0.0, 10.0), (1.2, 3.0),
       "Borrowing limit: ceiling of local debt as a multiple of annual own revenue plus general transfers.",
       _A + "MOF debt-risk classes by debt ratio: green < 120 %, yellow 120-200 %, orange 200-300 %, red >= 300 %; "
       "the limit is the orange line", "fiscal"),
    _p("debt_adjustment_time", 2.0, "yr", (0.25, 20.0), (1.0, 4.0),
       "Time over which the city may close the gap between its debt and the borrowing limit.",
       _A + "annual debt quotas let cities borrow towards the ceiling over a few years", "fiscal"),
    _p("public_service_depreciation_rate", 0.05, "1/yr", (0.0, 0.5), (0.03, 0.07),
       "Depreciation rate of public-service capital.", _A + "judgement value, no published estimate found",
       "fiscal"),
    _p("public_service_reference", 36.0, "thousand CNY/person", (1.0, 1e3), None,
       "Public-service capital per resident at which the public-service index equals 1.",
       _A + "national average ~36 thousand CNY per resident", "fiscal"),
    _p("restoration_fund_drawdown_time", 2.0, "yr", (0.1, 20.0), (1.0, 4.0),
       "Average time a yuan stays in the restoration fund before it is spent.",
       _A + "judgement value, no published estimate found", "fiscal"),
    _p("credit_investment_share", 1.0, "1", (0.0, 1.0), (0.7, 1.0),
       "Share of additional credit that becomes new-industry investment.",
       _A + "judgement value, no published estimate found", "fiscal"),
    _p("local_governance_match", 0.3, "1", (0.0, 5.0), (0.2, 0.5),
       "Local funds matched per yuan of central budget investment in subsidence governance.",
       _A + "central programmes require local co-funding", "fiscal"),
    _p("subsidence_investment_share", 0.6, "1", (0.0, 1.0), (0.5, 0.8),
       "Share of central budget investment spent on subsidence governance (rest: mining areas' public services).",
       _A + "judgement value, no published estimate found", "fiscal"),
)

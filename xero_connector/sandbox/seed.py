"""The seeded demo organisation, modelled on Xero's "Demo Company (NZ)".

Called by the platform (``Sandbox`` start-up and ``add_organisation``). Ids are
derived from the tenant id so a re-seeded organisation keeps the same ids.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from .state import Organisation

SEEDED_AT = "2025-01-01T00:00:00.000"  # UpdatedDateUTC of everything seeded

CURRENCY_NAMES = {
	"NZD": "New Zealand Dollar",
	"USD": "United States Dollar",
	"AUD": "Australian Dollar",
	"GBP": "Great Britain Pound",
	"EUR": "Euro",
}
# Units of each currency per 1 NZD: the sandbox's stand-in for Xero's XE.com day rate.
NZD_RATES = {"NZD": "1", "USD": "0.6000", "AUD": "0.9200", "GBP": "0.4800", "EUR": "0.5500"}

# Code, Name, Type, Class, TaxType, extra fields
ACCOUNTS = [
	("090", "Business Bank Account", "BANK", "ASSET", "NONE", {"BankAccountNumber": "0201-0123-0456789-00"}),
	(
		"091",
		"Business Savings Account",
		"BANK",
		"ASSET",
		"NONE",
		{"BankAccountNumber": "0201-0123-0456789-01"},
	),
	("200", "Sales", "REVENUE", "REVENUE", "OUTPUT2", {}),
	("260", "Other Revenue", "REVENUE", "REVENUE", "OUTPUT2", {}),
	("270", "Interest Income", "REVENUE", "REVENUE", "NONE", {}),
	("250", "Consulting Fees (old)", "REVENUE", "REVENUE", "OUTPUT2", {"Status": "ARCHIVED"}),
	("310", "Cost of Goods Sold", "DIRECTCOSTS", "EXPENSE", "INPUT2", {}),
	("400", "Advertising", "OVERHEADS", "EXPENSE", "INPUT2", {}),
	("429", "General Expenses", "OVERHEADS", "EXPENSE", "INPUT2", {}),
	("610", "Accounts Receivable", "CURRENT", "ASSET", "NONE", {"SystemAccount": "DEBTORS"}),
	("620", "Prepayments", "CURRENT", "ASSET", "NONE", {}),
	("710", "Office Equipment", "FIXED", "ASSET", "INPUT2", {}),
	("800", "Accounts Payable", "CURRLIAB", "LIABILITY", "NONE", {"SystemAccount": "CREDITORS"}),
	("820", "GST", "CURRLIAB", "LIABILITY", "NONE", {"SystemAccount": "GST"}),
	("840", "Payment Clearing", "CURRLIAB", "LIABILITY", "NONE", {"EnablePaymentsToAccount": True}),
	("860", "Rounding", "CURRLIAB", "LIABILITY", "NONE", {"SystemAccount": "ROUNDING"}),
	("960", "Retained Earnings", "EQUITY", "EQUITY", "NONE", {"SystemAccount": "RETAINEDEARNINGS"}),
	("970", "Owner A Funds Introduced", "EQUITY", "EQUITY", "NONE", {}),
]

# TaxType, Name, rate %, ReportTaxType, Status, can apply to revenue
TAX_RATES = [
	("OUTPUT2", "GST on Income", "15.0000", "OUTPUT", "ACTIVE", True),
	("INPUT2", "GST on Expenses", "15.0000", "INPUT", "ACTIVE", False),
	("ZERORATEDOUTPUT", "Zero Rated", "0.0000", "OUTPUT", "ACTIVE", True),
	("EXEMPTOUTPUT", "GST Exempt", "0.0000", "EXEMPTOUTPUT", "ACTIVE", True),
	("NONE", "No GST", "0.0000", "NONE", "ACTIVE", True),
	("GSTONIMPORTS", "GST on Imports", "0.0000", "GSTONIMPORTS", "ACTIVE", False),
	("TAX001", "GST 12.5% (pre-2010)", "12.5000", "OUTPUT", "ARCHIVED", True),
]

# Code, Name, Description, sales unit price
ITEMS = [
	("DevFee", "Development work", "Development work - hourly rate", "100.00"),
	("BOOK", "Fish out of Water", "Fish out of Water: Finding Your Brand", "19.95"),
	("GB1-White", "Golf balls - white", "Golf balls - white single", "4.70"),
]

# Name, AccountNumber, email, status
CONTACTS = [
	("Boom FM", "BOOM01", "accounts@boomfm.example", "ACTIVE"),
	("City Agency", "CITY01", "billing@cityagency.example", "ACTIVE"),
	("Marine Systems", None, "ap@marinesystems.example", "ACTIVE"),
	("Ridgeway University", "RIDGE01", "finance@ridgeway.example", "ACTIVE"),
	("Hamilton Smith Ltd", "HAMSMITH", "accounts@hamiltonsmith.example", "ARCHIVED"),
]


def demo_organisation(
	tenant_id: str | None = None, name: str = "Demo Company (NZ)", base_currency: str = "NZD"
) -> Organisation:
	"""A fresh organisation seeded like Xero's demo company (base NZD unless told otherwise)."""
	tenant_id = tenant_id or str(uuid.uuid4())

	def make_id(kind: str, key: str) -> str:
		return str(
			uuid.uuid5(uuid.UUID(tenant_id) if _is_uuid(tenant_id) else uuid.NAMESPACE_URL, f"{kind}:{key}")
		)

	short_code = "!" + make_id("shortcode", "")[:5]
	org = Organisation(tenant_id=tenant_id, name=name, base_currency=base_currency, short_code=short_code)
	codes = [base_currency, *(c for c in CURRENCY_NAMES if c != base_currency)]
	org.currencies = [{"Code": c, "Description": CURRENCY_NAMES.get(c, c)} for c in codes]
	base_per_nzd = Decimal(NZD_RATES.get(base_currency, "1"))
	org.default_rates = {
		c: str((Decimal(NZD_RATES[c]) / base_per_nzd).quantize(Decimal("0.000001")))
		for c in codes
		if c in NZD_RATES
	}
	org.profile = _profile(org, make_id("organisation", ""))
	for code, acc_name, acc_type, acc_class, tax_type, extra in ACCOUNTS:
		account_id = make_id("account", code)
		org.accounts[account_id] = {
			"AccountID": account_id,
			"Code": code,
			"Name": acc_name,
			"Type": acc_type,
			"Class": acc_class,
			"Status": "ACTIVE",
			"TaxType": tax_type,
			"EnablePaymentsToAccount": False,
			"ShowInExpenseClaims": acc_class == "EXPENSE",
			"UpdatedDateUTC": SEEDED_AT,
			**({"BankAccountType": "BANK", "CurrencyCode": base_currency} if acc_type == "BANK" else {}),
			**extra,
		}
	for tax_type, tax_name, rate, report_type, status, revenue in TAX_RATES:
		org.tax_rates[tax_type] = {
			"Name": tax_name,
			"TaxType": tax_type,
			"ReportTaxType": report_type,
			"Status": status,
			"EffectiveRate": rate,
			"CanApplyToRevenue": revenue,
			"CanApplyToExpenses": not revenue or tax_type == "NONE",
			"CanApplyToAssets": True,
			"CanApplyToLiabilities": True,
			"CanApplyToEquity": True,
		}
	for code, item_name, description, price in ITEMS:
		item_id = make_id("item", code)
		org.items[item_id] = {
			"ItemID": item_id,
			"Code": code,
			"Name": item_name,
			"Description": description,
			"IsSold": True,
			"IsPurchased": False,
			"IsTrackedAsInventory": False,
			"SalesDetails": {"UnitPrice": price, "AccountCode": "200", "TaxType": "OUTPUT2"},
			"UpdatedDateUTC": SEEDED_AT,
		}
	for contact_name, account_number, email, status in CONTACTS:
		contact_id = make_id("contact", contact_name)
		org.contacts[contact_id] = {
			"ContactID": contact_id,
			"ContactStatus": status,
			"Name": contact_name,
			"EmailAddress": email,
			"IsCustomer": True,
			"IsSupplier": False,
			"UpdatedDateUTC": SEEDED_AT,
			**({"AccountNumber": account_number} if account_number else {}),
		}
	return org


def _profile(org: Organisation, organisation_id: str) -> dict:
	return {
		"OrganisationID": organisation_id,
		"APIKey": "",
		"Name": org.name,
		"LegalName": org.name,
		"PaysTax": True,
		"Version": "NZ",
		"OrganisationType": "COMPANY",
		"BaseCurrency": org.base_currency,
		"CountryCode": "NZ",
		"IsDemoCompany": True,
		"OrganisationStatus": "ACTIVE",
		"TaxNumber": "101-010-101",
		"FinancialYearEndDay": 31,
		"FinancialYearEndMonth": 3,
		"SalesTaxBasis": "INVOICE",
		"SalesTaxPeriod": "TWOMONTHS",
		"DefaultSalesTax": "Tax Exclusive",
		"DefaultPurchasesTax": "Tax Inclusive",
		"CreatedDateUTC": SEEDED_AT,
		"Timezone": "NEWZEALANDSTANDARDTIME",
		"OrganisationEntityType": "COMPANY",
		"ShortCode": org.short_code,
		"Class": "DEMO",
		"Edition": "BUSINESS",
		"LineOfBusiness": "Software and consulting",
		"Addresses": [
			{
				"AddressType": "STREET",
				"AddressLine1": "23 Main Street",
				"City": "Wellington",
				"PostalCode": "6011",
				"Country": "New Zealand",
			}
		],
		"Phones": [{"PhoneType": "OFFICE", "PhoneNumber": "4710 0000", "PhoneAreaCode": "04"}],
		"ExternalLinks": [],
		"PaymentTerms": {
			"Sales": {"Day": 20, "Type": "OFFOLLOWINGMONTH"},
			"Bills": {"Day": 20, "Type": "OFFOLLOWINGMONTH"},
		},
	}


def _is_uuid(text: str) -> bool:
	try:
		uuid.UUID(text)
	except ValueError:
		return False
	return True

// Copyright (c) 2025, xero_connector developers
// For license information, please see license.txt

const TAX_MAPPING_DOCTYPES = {
	"Item Tax Template": "Item Tax Template",
	"Sales Taxes and Charges Template": "Sales Taxes and Charges Template",
	"Tax Account": "Account",
	// the buying side (bills): tax types that apply to expenses (INPUT2)
	"Item Tax Template (Buying)": "Item Tax Template",
	"Purchase Taxes and Charges Template": "Purchase Taxes and Charges Template",
	"Tax Account (Buying)": "Account",
};
const BUYING_TYPES = ["Item Tax Template (Buying)", "Purchase Taxes and Charges Template", "Tax Account (Buying)"];

frappe.ui.form.on("Xero Tax Mapping", {
	setup(frm) {
		// a row for lines at one rate offers the Xero tax rates of that rate only
		frm.set_query("xero_tax_type", () => ({
			filters: {
				status: "ACTIVE",
				...(BUYING_TYPES.includes(frm.doc.mapping_type) ? { can_apply_to_expenses: 1 } : { can_apply_to_revenue: 1 }),
				company: frm.doc.company || "",
				...(frm.doc.for_one_rate ? { effective_rate: flt(frm.doc.rate) } : {}),
			},
		}));
		frm.set_query("reference_name", () =>
			["Tax Account", "Tax Account (Buying)"].includes(frm.doc.mapping_type)
				? {
						filters: {
							account_type: ["in", ["Tax", "Chargeable"]],
							is_group: 0,
							company: frm.doc.company || "",
						},
				  }
				: { filters: { company: frm.doc.company || "" } }
		);
	},
	onload(frm) {
		xero_connector.mapping_form.default_company(frm);
	},
	refresh(frm) {
		frm.trigger("mapping_type");
	},
	company(frm) {
		xero_connector.mapping_form.company_changed(frm, "xero_tax_type");
	},
	mapping_type(frm) {
		xero_connector.mapping_form.use_doctype(frm, TAX_MAPPING_DOCTYPES[frm.doc.mapping_type]);
	},
});

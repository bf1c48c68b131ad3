// Copyright (c) 2025, xero_connector developers
// For license information, please see license.txt

const TAX_MAPPING_DOCTYPES = {
	"Item Tax Template": "Item Tax Template",
	"Sales Taxes and Charges Template": "Sales Taxes and Charges Template",
	"Tax Account": "Account",
};

frappe.ui.form.on("Xero Tax Mapping", {
	setup(frm) {
		// a row for lines at one rate offers the Xero tax rates of that rate only
		frm.set_query("xero_tax_type", () => ({
			filters: {
				status: "ACTIVE",
				can_apply_to_revenue: 1,
				company: frm.doc.company || "",
				...(frm.doc.for_one_rate ? { effective_rate: flt(frm.doc.rate) } : {}),
			},
		}));
		frm.set_query("reference_name", () =>
			frm.doc.mapping_type === "Tax Account"
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

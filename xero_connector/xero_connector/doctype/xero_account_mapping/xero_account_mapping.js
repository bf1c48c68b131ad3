// Copyright (c) 2025, xero_connector developers
// For license information, please see license.txt

const ACCOUNT_MAPPING_DOCTYPES = { Item: "Item", "Item Group": "Item Group", "Income Account": "Account" };

frappe.ui.form.on("Xero Account Mapping", {
	setup(frm) {
		// the accounts of the company's own Xero organisation
		frm.set_query("xero_account_code", () => ({
			filters: { status: "ACTIVE", account_class: "REVENUE", company: frm.doc.company || "" },
		}));
		frm.set_query("reference_name", () =>
			frm.doc.mapping_type === "Income Account"
				? { filters: { root_type: "Income", is_group: 0, company: frm.doc.company || "" } }
				: {}
		);
	},
	onload(frm) {
		xero_connector.mapping_form.default_company(frm);
	},
	refresh(frm) {
		frm.trigger("mapping_type");
	},
	company(frm) {
		xero_connector.mapping_form.company_changed(frm, "xero_account_code");
	},
	mapping_type(frm) {
		xero_connector.mapping_form.use_doctype(frm, ACCOUNT_MAPPING_DOCTYPES[frm.doc.mapping_type]);
	},
});

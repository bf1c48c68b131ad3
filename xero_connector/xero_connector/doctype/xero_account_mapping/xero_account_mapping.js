// Copyright (c) 2025, xero_connector developers
// For license information, please see license.txt

const ACCOUNT_MAPPING_DOCTYPES = { Item: "Item", "Item Group": "Item Group", "Income Account": "Account" };

frappe.ui.form.on("Xero Account Mapping", {
	setup(frm) {
		frm.set_query("xero_account_code", () => ({
			filters: { status: "ACTIVE", account_class: "REVENUE" },
		}));
		frm.set_query("reference_name", () =>
			frm.doc.mapping_type === "Income Account"
				? { filters: { root_type: "Income", is_group: 0 } }
				: {}
		);
	},
	onload(frm) {
		frm.trigger("mapping_type");
	},
	mapping_type(frm) {
		const doctype = ACCOUNT_MAPPING_DOCTYPES[frm.doc.mapping_type];
		if (frm.doc.reference_doctype !== doctype) {
			// set as it is, not through set_value: that would validate "Account" as a link to
			// DocType, which only System Managers may read (a 403 for a Xero Manager)
			frm.doc.reference_doctype = doctype;
			frm.refresh_field("reference_doctype");
			frm.dirty();
			if (!frm.is_new() || frm.doc.reference_name) frm.set_value("reference_name", null);
		}
	},
});

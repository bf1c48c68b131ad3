// Shared by the Rate-to-Account (Xero Account Mapping) and Xero Tax Mapping forms,
// loaded for both through hooks.doctype_js.

frappe.provide("xero_connector.mapping_form");

// Point the ERPNext Record (a Dynamic Link) at the doctype the chosen kind of mapping
// names, and say so plainly when this user cannot see records of that doctype (the
// link's search and check would answer 403): the field is then read-only.
xero_connector.mapping_form.use_doctype = function (frm, doctype) {
	if (frm.doc.reference_doctype !== doctype) {
		// set as it is, not through set_value: that would validate "Account" as a link to
		// DocType, which only System Managers may read (a 403 for a Xero Manager)
		frm.doc.reference_doctype = doctype;
		frm.refresh_field("reference_doctype");
		frm.dirty();
		if (!frm.is_new() || frm.doc.reference_name) frm.set_value("reference_name", null);
	}
	const visible = !doctype || frappe.model.can_select(doctype) || frappe.model.can_read(doctype);
	frm.set_df_property("reference_name", "read_only", visible ? 0 : 1);
	frm.set_intro(
		visible
			? ""
			: __(
					"You cannot see {0} records, so you cannot choose one here. Ask a System Manager for a role that can read {0} (Role Permissions Manager shows which roles can), or to make this mapping.",
					[__(doctype)]
			  ),
		"orange"
	);
};

// A new mapping starts with the user's default company (the one they work in).
xero_connector.mapping_form.default_company = function (frm) {
	if (frm.is_new() && !frm.doc.company) {
		const company = frappe.defaults.get_user_default("Company");
		if (company) frm.set_value("company", company);
	}
};

// Another company's Xero organisation has other accounts and tax rates: a Xero row or an
// ERPNext record chosen for the former company no longer fits.
xero_connector.mapping_form.company_changed = function (frm, xero_field) {
	if (frm.doc[xero_field]) frm.set_value(xero_field, null);
	if (frm.doc.reference_name && frm.doc.mapping_type !== "Item" && frm.doc.mapping_type !== "Item Group") {
		frm.set_value("reference_name", null);
	}
};

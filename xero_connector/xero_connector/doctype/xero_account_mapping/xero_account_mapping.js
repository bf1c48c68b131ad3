// Copyright (c) 2025, xero_connector developers
// For license information, please see license.txt

const ACCOUNT_MAPPING_DOCTYPES = {
	Item: "Item",
	"Item Group": "Item Group",
	"Income Account": "Account",
	// the buying side (bills): expense, cost of sales, inventory and fixed asset accounts
	"Item (Buying)": "Item",
	"Item Group (Buying)": "Item Group",
	"Expense Account": "Account",
};
const BUYING_TYPES = ["Item (Buying)", "Item Group (Buying)", "Expense Account"];

frappe.ui.form.on("Xero Account Mapping", {
	setup(frm) {
		// the accounts of the company's own Xero organisation
		frm.set_query("xero_account_code", () => ({
			filters: BUYING_TYPES.includes(frm.doc.mapping_type)
				? {
						status: "ACTIVE",
						account_class: ["in", ["EXPENSE", "ASSET"]],
						account_type: ["!=", "BANK"],
						system_account: ["in", ["", null]],
						company: frm.doc.company || "",
				  }
				: { status: "ACTIVE", account_class: "REVENUE", company: frm.doc.company || "" },
		}));
		frm.set_query("reference_name", () => {
			const company = frm.doc.company || "";
			if (frm.doc.mapping_type === "Income Account") return { filters: { root_type: "Income", is_group: 0, company } };
			if (frm.doc.mapping_type === "Expense Account")
				return { filters: { root_type: ["in", ["Expense", "Asset"]], is_group: 0, company } };
			return {};
		});
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

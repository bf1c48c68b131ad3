frappe.listview_settings["Xero Tax Rate"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		return doc.status === "ACTIVE"
			? [__("Active"), "green", "status,=,ACTIVE"]
			: [__(doc.status), "gray", `status,=,${doc.status}`];
	},
};

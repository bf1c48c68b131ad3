// Xero Reconciliation: mismatched cells in red, and Resend / Link buttons per row
// (reconciliation.py: resend, link).

const XERO_RECON = "xero_connector.xero_connector.features.reconciliation.";
const MISMATCH_FLAGS = {
	presence: (row) => row.presence !== "Both",
	xero_status: (row) => row.status_mismatch,
	erpnext_status: (row) => row.status_mismatch,
	xero_total: (row) => row.total_mismatch,
	erpnext_total: (row) => row.total_mismatch,
	xero_amount_due: (row) => row.amount_due_mismatch,
	erpnext_outstanding: (row) => row.amount_due_mismatch,
};

frappe.query_reports["Xero Reconciliation"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			reqd: 1,
			default: frappe.defaults.get_user_default("Company"),
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			reqd: 1,
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -1),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			reqd: 1,
			default: frappe.datetime.get_today(),
		},
		{ fieldname: "only_mismatches", label: __("Only Mismatches"), fieldtype: "Check" },
	],

	formatter(value, row, column, data, default_formatter) {
		if (column.fieldname === "actions" && data) {
			// an attribute-safe name: encodeURIComponent leaves ' alone, which would end the string
			const name = encodeURIComponent(data.erpnext_name || "").replace(/'/g, "%27");
			const buttons = [];
			if (data.can_resend) {
				buttons.push(
					`<button class="btn btn-xs btn-default" onclick="xero_reconciliation.act('resend', decodeURIComponent('${name}'))">${__("Resend")}</button>`
				);
			}
			if (data.can_link) {
				buttons.push(
					`<button class="btn btn-xs btn-primary" onclick="xero_reconciliation.act('link', decodeURIComponent('${name}'))">${__("Link")}</button>`
				);
			}
			return buttons.join(" ");
		}
		// what Xero and ERPNext hold is text, never markup (Frappe's Data formatter does not escape)
		if (typeof value === "string" && column.fieldtype !== "Link") value = frappe.utils.escape_html(value);
		value = default_formatter(value, row, column, data);
		const flagged = data && MISMATCH_FLAGS[column.fieldname];
		if (flagged && flagged(data)) {
			return `<span style="color: var(--red-600); font-weight: 600">${value}</span>`;
		}
		return value;
	},
};

window.xero_reconciliation = {
	act(action, name) {
		const shown = frappe.utils.escape_html(name).bold();
		const ask =
			action === "link"
				? __("Link {0} to the Xero document with the same number?", [shown])
				: __("Send {0} to Xero again?", [shown]);
		frappe.confirm(ask, () =>
			frappe.call({ method: XERO_RECON + action, args: { name }, freeze: true }).then(() => {
				frappe.show_alert({
					message: action === "link" ? __("Linked") : __("Queued for Xero"),
					indicator: "green",
				});
				frappe.query_report.refresh();
			})
		);
	},
};

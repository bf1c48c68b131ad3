// Send to Xero from the Sales Invoice list (issue 17): the Actions menu sends the chosen
// invoices (features/bulk_send.send_selected); a progress bar follows the job and a summary
// ends it (jobs.send_selected). Loaded through hooks.doctype_list_js, after ERPNext's own
// list settings, whose onload it keeps.

(() => {
	const settings = (frappe.listview_settings["Sales Invoice"] = frappe.listview_settings["Sales Invoice"] || {});
	const earlier_onload = settings.onload;
	settings.onload = function (listview) {
		if (earlier_onload) earlier_onload.call(this, listview);
		if (!frappe.user.has_role(["Xero Manager", "System Manager"])) return;
		listview.page.add_action_item(__("Send to Xero"), () => {
			const names = listview.get_checked_items(true);
			if (!names.length) return;
			frappe.confirm(__("Send {0} Sales Invoice(s) to Xero?", [names.length]), () =>
				frappe
					.call({
						method: "xero_connector.xero_connector.features.bulk_send.send_selected",
						args: { names },
						freeze: true,
					})
					.then((r) => {
						const answer = r.message || {};
						const esc = frappe.utils.escape_html;
						const refused = (answer.not_sent || [])
							.map((row) => `<li><b>${esc(row.name)}</b>: ${esc(row.reason)}</li>`)
							.join("");
						frappe.msgprint({
							title: __("Send to Xero"),
							indicator: answer.queued ? "blue" : "orange",
							message:
								`<p>${__("{0} queued for Xero: a progress bar follows them.", [answer.queued || 0])}</p>` +
								(refused ? `<p>${__("Not sent:")}</p><ul>${refused}</ul>` : ""),
						});
						listview.clear_checked_items();
					})
			);
		});
	};
})();

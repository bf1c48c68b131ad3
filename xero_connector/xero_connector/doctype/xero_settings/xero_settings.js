// Copyright (c) 2025, xero_connector developers
// For license information, please see license.txt

const XERO_API = "xero_connector.xero_connector.api";

frappe.ui.form.on("Xero Settings", {
	setup(frm) {
		frm.set_query("default_account_code", () => ({
			filters: { status: "ACTIVE", account_class: "REVENUE" },
		}));
		// a revenue account, or Xero's Rounding system account (860), which Xero accepts on lines
		frm.set_query("rounding_account_code", () => ({
			filters: { status: "ACTIVE", system_account: ["in", ["", "ROUNDING"]] },
		}));
		for (const field of ["default_tax_type", "zero_tax_type"]) {
			frm.set_query(field, () => ({ filters: { status: "ACTIVE", can_apply_to_revenue: 1 } }));
		}
	},

	onload(frm) {
		frappe.model.with_doctype("Customer", () => {
			const fields = frappe
				.get_meta("Customer")
				.fields.filter((df) => ["Data", "Int"].includes(df.fieldtype))
				.map((df) => df.fieldname);
			frm.set_df_property("billing_code_field", "options", ["name", ...fields]);
		});
	},

	refresh(frm) {
		const connected = frm.doc.connection_status === "Connected";
		frm.add_custom_button(connected ? __("Reconnect") : __("Connect to Xero"), () => connect(frm));
		if (frm.doc.connection_status !== "Not Connected") {
			frm.add_custom_button(__("Disconnect"), () => disconnect(frm));
		}
		if (connected) {
			frm.add_custom_button(__("Fetch from Xero"), () => fetch_reference(frm), __("Xero"));
			frm.add_custom_button(__("Pull Payments Now"), () =>
				frappe.call({ method: `${XERO_API}.pull_payments_now`, freeze: true }).then(() =>
					frappe.show_alert({ message: __("Payment pull queued"), indicator: "green" })
				), __("Xero"));
		}
		const tenants = JSON.parse(frm.doc.granted_tenants || "[]");
		if (tenants.length > 1) {
			frm.add_custom_button(__("Choose Organisation"), () => choose_tenant(frm, tenants), __("Xero"));
			if (!frm.doc.tenant_id) choose_tenant(frm, tenants);
		}
		show_calls_today(frm);
		const indicator = { Connected: "green", "Needs Reauthorisation": "red" }[frm.doc.connection_status] || "gray";
		frm.page.set_indicator(__(frm.doc.connection_status || "Not Connected"), indicator);
		if (frm.doc.connection_status === "Needs Reauthorisation") {
			frm.dashboard.set_headline(__("Xero needs you to connect again: click Connect to Xero."), "red");
		}
	},

	copy_redirect_uri(frm) {
		frappe.utils.copy_to_clipboard(frm.doc.redirect_uri);
	},
});

function connect(frm) {
	const go = () =>
		frappe.call({ method: `${XERO_API}.start_connect`, freeze: true }).then((r) => {
			if (r.message) window.location.href = r.message;
		});
	frm.is_dirty() ? frm.save().then(go) : go();
}

function disconnect(frm) {
	frappe.confirm(__("Disconnect from Xero? Invoices stop syncing until you connect again."), () =>
		frappe.call({ method: `${XERO_API}.disconnect`, freeze: true }).then(() => frm.reload_doc())
	);
}

function fetch_reference(frm) {
	frappe
		.call({ method: `${XERO_API}.fetch_reference`, freeze: true, freeze_message: __("Reading Xero...") })
		.then((r) => {
			const c = r.message || {};
			frappe.show_alert({
				message: __("Fetched {0} accounts, {1} tax rates and {2} currencies", [c.accounts, c.tax_rates, c.currencies]),
				indicator: "green",
			});
			frm.reload_doc();
		});
}

function choose_tenant(frm, tenants) {
	const dialog = new frappe.ui.Dialog({
		title: __("Choose the Xero organisation"),
		fields: [
			{
				fieldname: "tenant_id",
				fieldtype: "Select",
				label: __("Organisation"),
				reqd: 1,
				options: tenants.map((t) => ({ value: t.tenantId, label: t.tenantName })),
				default: frm.doc.tenant_id || tenants[0].tenantId,
			},
		],
		primary_action_label: __("Use this organisation"),
		primary_action({ tenant_id }) {
			frappe.call({ method: `${XERO_API}.select_tenant`, args: { tenant_id }, freeze: true }).then(() => {
				dialog.hide();
				frm.reload_doc();
			});
		},
	});
	dialog.show();
}

// Organisation guard (issue 6): a red banner when the connection points at another
// organisation than the one this site synced with, and the Confirm Organisation Switch button.
frappe.ui.form.on("Xero Settings", {
	refresh(frm) {
		if (!frm.doc.organisation_mismatch) return;
		frm.dashboard.set_headline_alert(frappe.utils.escape_html(frm.doc.organisation_mismatch), "red");
		frm.page.set_indicator(__("Other Organisation"), "red");
		frm.add_custom_button(__("Confirm Organisation Switch"), () =>
			frappe.confirm(
				__("From now on this site syncs with {0}. Invoices already in {1} stay there. Continue?", [
					frappe.utils.escape_html(frm.doc.connected_organisation_name || frm.doc.connected_organisation_id),
					frappe.utils.escape_html(frm.doc.synced_organisation_name || frm.doc.synced_organisation_id),
				]),
				() =>
					frappe
						.call({ method: "xero_connector.xero_connector.connection.guard.confirm_organisation_switch", freeze: true })
						.then(() => frm.reload_doc())
			), __("Xero"));
	},
});

// Payment Entries from Xero (issue 6): only bank and cash ledgers receive Xero payments.
frappe.ui.form.on("Xero Settings", {
	setup(frm) {
		frm.set_query("account", "xero_bank_accounts", () => ({
			filters: { account_type: ["in", ["Bank", "Cash"]], is_group: 0 },
		}));
	},
});

// the API Budget section's "Calls Today": the day's calls left, when they come back, and
// what each activity spent (api.day_budget; no call to Xero)
function show_calls_today(frm) {
	const field = frm.fields_dict.api_calls_today;
	if (!field || !frm.doc.tenant_id) return;
	frappe.call({ method: `${XERO_API}.day_budget`, type: "GET" }).then((r) => {
		const b = r.message || {};
		if (!b.limit) return field.$wrapper.empty();
		const esc = frappe.utils.escape_html;
		const rows = (b.activities || [])
			.map((a) => `<tr><td>${esc(a.label)}</td><td class="text-right">${a.calls}</td></tr>`)
			.join("");
		const resets = b.resets_at ? __("; calls come back from {0}", [esc(b.resets_at)]) : "";
		const source = b.learned ? __("as Xero last reported") : __("assumed from the {0} tier", [esc(b.tier)]);
		field.$wrapper.html(`
			<div class="xero-calls-today">
				<p>${__("{0} of {1} calls left today ({2}){3}. The last {4} are kept for invoices and payments.", [
					b.remaining, b.limit, source, resets, b.reserve])}</p>
				<table class="table table-condensed table-bordered" style="max-width: 32rem">
					<thead><tr><th>${__("Today")}</th><th class="text-right">${__("Calls")}</th></tr></thead>
					<tbody>${rows || `<tr><td colspan="2" class="text-muted">${__("No calls yet today")}</td></tr>`}</tbody>
					<tfoot><tr><th>${__("Total")}</th><th class="text-right">${b.total}</th></tr></tfoot>
				</table>
			</div>`);
	});
}


// Copyright (c) 2026, xero_connector developers
// For license information, please see license.txt

// One company's connection to its Xero organisation: connect, choose the organisation
// its app's consent granted, fetch Xero's accounts and tax rates, pull payments, and the
// defaults its invoices are sent with.
const XERO_API = "xero_connector.xero_connector.api";

frappe.ui.form.on("Xero Connection", {
	setup(frm) {
		frm.set_query("default_account_code", () => ({
			filters: { status: "ACTIVE", account_class: "REVENUE", company: frm.doc.company },
		}));
		// a revenue account, or Xero's Rounding system account (860), which Xero accepts on lines
		frm.set_query("rounding_account_code", () => ({
			filters: { status: "ACTIVE", system_account: ["in", ["", "ROUNDING"]], company: frm.doc.company },
		}));
		for (const field of ["default_tax_type", "zero_tax_type"]) {
			frm.set_query(field, () => ({
				filters: { status: "ACTIVE", can_apply_to_revenue: 1, company: frm.doc.company },
			}));
		}
		// the buying side (bills): expense and asset accounts, tax types for expenses
		frm.set_query("default_purchase_account_code", () => ({
			filters: {
				status: "ACTIVE",
				account_class: ["in", ["EXPENSE", "ASSET"]],
				account_type: ["!=", "BANK"],
				system_account: ["in", ["", null]],
				company: frm.doc.company,
			},
		}));
		frm.set_query("default_purchase_tax_type", () => ({
			filters: { status: "ACTIVE", can_apply_to_expenses: 1, company: frm.doc.company },
		}));
		// the invoice's PDF in Xero: a print format of Sales Invoice
		frm.set_query("pdf_print_format", () => ({ filters: { doc_type: "Sales Invoice", disabled: 0 } }));
		// Payment Entries from Xero (issue 6): only the company's bank and cash ledgers
		frm.set_query("account", "xero_bank_accounts", () => ({
			filters: { account_type: ["in", ["Bank", "Cash"]], is_group: 0, company: frm.doc.company },
		}));
	},

	onload(frm) {
		for (const [party, field] of [
			["Customer", "billing_code_field"],
			["Supplier", "supplier_code_field"],
		]) {
			frappe.model.with_doctype(party, () => {
				const fields = frappe
					.get_meta(party)
					.fields.filter((df) => ["Data", "Int"].includes(df.fieldtype))
					.map((df) => df.fieldname);
				frm.set_df_property(field, "options", ["name", ...fields]);
			});
		}
	},

	refresh(frm) {
		if (frm.is_new()) return;
		const connected = frm.doc.connection_status === "Connected";
		frm.add_custom_button(connected ? __("Reconnect") : __("Connect to Xero"), () => connect(frm));
		if (frm.doc.connection_status !== "Not Connected") {
			frm.add_custom_button(__("Disconnect"), () => disconnect(frm));
		}
		if (connected) {
			frm.add_custom_button(__("Fetch from Xero"), () => fetch_reference(frm), __("Xero"));
			frm.add_custom_button(__("Pull Payments Now"), () =>
				call(frm, "pull_payments_now").then(() =>
					frappe.show_alert({ message: __("Payment pull queued"), indicator: "green" })
				), __("Xero"));
		}
		frm.add_custom_button(__("Choose Organisation"), () => choose_organisation(frm), __("Xero"));
		// back from Xero with several organisations granted and none chosen: ask which one
		if (!frm.doc.tenant_id && frm.doc.xero_app) choose_organisation(frm, { only_if_several: true });
		show_calls_today(frm);
		const indicator = { Connected: "green", "Needs Reauthorisation": "red" }[frm.doc.connection_status] || "gray";
		frm.page.set_indicator(__(frm.doc.connection_status || "Not Connected"), indicator);
		if (frm.doc.connection_status === "Needs Reauthorisation") {
			frm.dashboard.set_headline(__("Xero needs you to connect again: click Reconnect."), "red");
		}
		show_organisation_guard(frm);
	},
});

function call(frm, method, args = {}) {
	return frappe.call({ method: `${XERO_API}.${method}`, args: { connection: frm.doc.name, ...args }, freeze: true });
}

function connect(frm) {
	const go = () => call(frm, "start_connect").then((r) => r.message && (window.location.href = r.message));
	frm.is_dirty() ? frm.save().then(go) : go();
}

function disconnect(frm) {
	frappe.confirm(
		__("Disconnect {0} from Xero? Its invoices stop syncing until you connect again.", [
			frappe.utils.escape_html(frm.doc.company),
		]),
		() => call(frm, "disconnect").then(() => frm.reload_doc())
	);
}

function fetch_reference(frm) {
	frappe
		.call({
			method: `${XERO_API}.fetch_reference`,
			args: { connection: frm.doc.name },
			freeze: true,
			freeze_message: __("Reading Xero..."),
		})
		.then((r) => {
			const c = r.message || {};
			frappe.show_alert({
				message: __("Fetched {0} accounts, {1} tax rates and {2} currencies", [c.accounts, c.tax_rates, c.currencies]),
				indicator: "green",
			});
			frm.reload_doc();
		});
}

// An organisation belongs to one company: the picker names the company holding each one
// another company holds (choosing it is refused, naming that company).
function choose_organisation(frm, { only_if_several = false } = {}) {
	Promise.all([
		frappe.db.get_value("Xero App", frm.doc.xero_app, "granted_tenants"),
		frappe.db.get_list("Xero Connection", {
			fields: ["company", "tenant_id"],
			filters: { tenant_id: ["is", "set"], name: ["!=", frm.doc.name] },
			limit: 0,
		}),
	]).then(([r, held]) => {
		const tenants = JSON.parse((r.message || {}).granted_tenants || "[]");
		const holder = Object.fromEntries(held.map((c) => [c.tenant_id.toLowerCase(), c.company]));
		const label = (t) => {
			const company = holder[t.tenantId.toLowerCase()];
			return company ? __("{0} (held by {1})", [t.tenantName, company]) : t.tenantName;
		};
		const free = tenants.filter((t) => !holder[t.tenantId.toLowerCase()]);
		if (only_if_several && tenants.length < 2) return;
		if (!tenants.length) {
			frappe.msgprint(__("Xero App {0} has no organisations granted yet: click Connect to Xero.", [
				frappe.utils.escape_html(frm.doc.xero_app),
			]));
			return;
		}
		const dialog = new frappe.ui.Dialog({
			title: __("Choose the Xero organisation of {0}", [frappe.utils.escape_html(frm.doc.company)]),
			fields: [
				{
					fieldname: "tenant_id",
					fieldtype: "Select",
					label: __("Organisation"),
					reqd: 1,
					options: tenants.map((t) => ({ value: t.tenantId, label: label(t) })),
					default: frm.doc.tenant_id || (free[0] || tenants[0]).tenantId,
				},
			],
			primary_action_label: __("Use this organisation"),
			primary_action({ tenant_id }) {
				call(frm, "assign_organisation", { tenant_id }).then(() => {
					dialog.hide();
					frm.reload_doc();
				});
			},
		});
		dialog.show();
	});
}

// Organisation guard (issue 6): a red banner when the connection points at another
// organisation than the one this company synced with, and the Confirm Organisation Switch button.
function show_organisation_guard(frm) {
	if (!frm.doc.organisation_mismatch) return;
	frm.dashboard.set_headline_alert(frappe.utils.escape_html(frm.doc.organisation_mismatch), "red");
	frm.page.set_indicator(__("Other Organisation"), "red");
	frm.add_custom_button(__("Confirm Organisation Switch"), () =>
		frappe.confirm(
			__("From now on {0} syncs with {1}. Invoices already in {2} stay there. Continue?", [
				frappe.utils.escape_html(frm.doc.company),
				frappe.utils.escape_html(frm.doc.connected_organisation_name || frm.doc.connected_organisation_id),
				frappe.utils.escape_html(frm.doc.synced_organisation_name || frm.doc.synced_organisation_id),
			]),
			() =>
				frappe
					.call({
						method: "xero_connector.xero_connector.connection.guard.confirm_organisation_switch",
						args: { connection: frm.doc.name },
						freeze: true,
					})
					.then(() => frm.reload_doc())
		), __("Xero"));
}

// the API Budget section's "Calls Today": the day's calls left, when they come back, and
// what each activity spent (api.day_budget; no call to Xero)
function show_calls_today(frm) {
	const field = frm.fields_dict.api_calls_today;
	if (!field || !frm.doc.tenant_id) return;
	frappe.call({ method: `${XERO_API}.day_budget`, type: "GET", args: { connection: frm.doc.name } }).then((r) => {
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

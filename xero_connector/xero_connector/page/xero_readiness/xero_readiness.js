// Xero Readiness: for a company and a period, what would stop its submitted Sales
// Invoices from reaching Xero, each with its one-click fix (readiness.py).

const READINESS = "xero_connector.xero_connector.features.readiness.";

frappe.pages["xero-readiness"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Xero Readiness"),
		single_column: true,
	});
	wrapper.readiness = new XeroReadiness(page);
};

class XeroReadiness {
	constructor(page) {
		this.page = page;
		this.company = page.add_field({
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			reqd: 1,
			default: frappe.defaults.get_user_default("Company"),
		});
		this.from_date = page.add_field({
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			reqd: 1,
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -1),
		});
		this.to_date = page.add_field({
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			reqd: 1,
			default: frappe.datetime.get_today(),
		});
		page.set_primary_action(__("Check"), () => this.check(), "search");
		page.set_secondary_action(__("Export CSV"), () => this.export());
		this.$body = $('<div class="xero-readiness"></div>').appendTo(page.main);
		this.$body.html(`<p class="text-muted">${__("Choose a company and a period, then Check.")}</p>`);
	}

	filters() {
		const values = {
			company: this.company.get_value(),
			from_date: this.from_date.get_value(),
			to_date: this.to_date.get_value(),
		};
		if (!values.company || !values.from_date || !values.to_date) {
			frappe.throw(__("Company, From Date and To Date are required."));
		}
		return values;
	}

	check() {
		frappe
			.call({
				method: READINESS + "check",
				args: this.filters(),
				freeze: true,
				freeze_message: __("Checking against Xero..."),
			})
			.then((r) => this.render(r.message));
	}

	export() {
		open_url_post(frappe.request.url, { cmd: READINESS + "export_csv", ...this.filters() });
	}

	render(report) {
		this.report = report;
		const summary = report.ready
			? `<div class="alert alert-success">${__("{0} invoices, {1} customers: ready for Xero.", [
					report.invoices_checked,
					report.customers_checked,
			  ])}</div>`
			: `<div class="alert alert-warning">${__(
					"{0} invoices, {1} customers: {2} error(s) and {3} warning(s).",
					[report.invoices_checked, report.customers_checked, report.errors, report.warnings]
			  )}</div>`;
		const rows = report.issues
			.map((issue, index) => {
				const colour = issue.severity === "error" ? "red" : "orange";
				const invoices = issue.invoices
					.slice(0, 5)
					.map((name) => frappe.utils.get_form_link("Sales Invoice", name, true, frappe.utils.escape_html(name)))
					.join(", ");
				const more = issue.invoices.length > 5 ? ` +${issue.invoices.length - 5}` : "";
				const button = issue.action
					? `<button class="btn btn-xs btn-primary" data-index="${index}">${__(issue.action_label)}</button>`
					: "";
				return `<tr>
					<td><span class="indicator-pill ${colour}">${__(issue.severity)}</span></td>
					<td>${frappe.utils.escape_html(issue.subject_type)}<br><b>${frappe.utils.escape_html(issue.subject)}</b></td>
					<td>${frappe.utils.escape_html(issue.message)}<br><span class="text-muted">${frappe.utils.escape_html(issue.fix)}</span></td>
					<td>${invoices}${more}</td>
					<td>${button}</td>
				</tr>`;
			})
			.join("");
		const table = report.issues.length
			? `<table class="table table-bordered"><thead><tr>
				<th>${__("Severity")}</th><th>${__("Subject")}</th><th>${__("Problem and Fix")}</th>
				<th>${__("Invoices")}</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
			: "";
		this.$body.html(summary + table + this.tax_rows_table(report.tax_rows || []));
		this.$body.find("button[data-index]").on("click", (e) => {
			this.fix(report.issues[$(e.currentTarget).data("index")]);
		});
		this.$body.find("button[data-tax-row]").on("click", (e) => {
			const row = report.tax_rows[$(e.currentTarget).data("tax-row")];
			this.create_tax_row(row, row.xero_tax_type).then(() => {
				frappe.show_alert({ message: __("Done"), indicator: "green" });
				this.check();
			});
		});
	}

	// the Tax Mapping rows the period's lines call for: each tax account (or template) at each
	// rate its lines are taxed at, with a Xero tax type of that rate (readiness_taxes.py)
	tax_rows_table(rows) {
		if (!rows.length) return "";
		const esc = frappe.utils.escape_html;
		const body = rows
			.map((row, index) => {
				const xero = row.xero_tax_type
					? `${esc(row.xero_tax_type)}${row.xero_tax_name ? ` (${esc(row.xero_tax_name)})` : ""}`
					: `<span class="text-muted">${__("none of this rate in Xero")}</span>`;
				const state = row.needed
					? `<span class="indicator-pill orange">${__("Needed")}</span>`
					: `<span class="text-muted">${esc((row.covered_by || []).join(", "))}</span>`;
				const button =
					row.needed && row.xero_tax_type
						? `<button class="btn btn-xs btn-primary" data-tax-row="${index}">${__("Create Row")}</button>`
						: "";
				return `<tr>
					<td>${esc(row.mapping_type)}<br><b>${esc(row.reference_name)}</b></td>
					<td class="text-right">${esc(row.rate)}%</td>
					<td>${xero}</td><td>${state}</td>
					<td class="text-right">${row.lines}</td><td class="text-right">${(row.invoices || []).length}</td>
					<td>${button}</td>
				</tr>`;
			})
			.join("");
		return `<h5>${__("Tax mapping the period's invoices use")}</h5>
			<table class="table table-bordered xero-tax-rows"><thead><tr>
				<th>${__("Map From")}</th><th>${__("Rate")}</th><th>${__("Xero Tax Rate")}</th><th>${__("Covered By")}</th>
				<th>${__("Lines")}</th><th>${__("Invoices")}</th><th></th></tr></thead><tbody>${body}</tbody></table>`;
	}

	create_tax_row(row, xero_code) {
		return frappe.call({
			method: READINESS + "create_mapping",
			args: {
				kind: "tax",
				mapping_type: row.mapping_type,
				reference_name: row.reference_name,
				xero_code: xero_code,
				rate: row.rate,
				company: this.company.get_value(),
			},
		});
	}

	fix(issue) {
		const done = () => {
			frappe.show_alert({ message: __("Done"), indicator: "green" });
			this.check();
		};
		const row = issue.action_args.row; // a Tax Mapping row at one rate (the line's)
		if (issue.action === "map_tax" && row) {
			const dialog = new frappe.ui.Dialog({
				title: __("Map {0} at {1}% to a Xero tax rate", [row.reference_name, row.rate]),
				fields: [
					{
						fieldname: "xero_code",
						label: __("Xero Tax Rate"),
						fieldtype: "Link",
						options: "Xero Tax Rate",
						default: row.xero_tax_type,
						reqd: 1,
						get_query: () => ({
							filters: { status: "ACTIVE", can_apply_to_revenue: 1, company: this.company.get_value() },
						}),
					},
				],
				primary_action_label: __("Create Mapping"),
				primary_action: (values) =>
					this.create_tax_row(row, values.xero_code).then(() => {
						dialog.hide();
						done();
					}),
			});
			dialog.show();
		} else if (issue.action === "map_account" || issue.action === "map_tax") {
			const options = issue.action_args.options || {};
			const is_account = issue.action === "map_account";
			const dialog = new frappe.ui.Dialog({
				title: is_account ? __("Map to a Xero account") : __("Map to a Xero tax rate"),
				fields: [
					{
						fieldname: "mapping_type",
						label: __("Map From"),
						fieldtype: "Select",
						options: Object.keys(options),
						default: Object.keys(options)[0],
						reqd: 1,
					},
					{
						fieldname: "xero_code",
						label: is_account ? __("Xero Account") : __("Xero Tax Rate"),
						fieldtype: "Link",
						options: is_account ? "Xero Account" : "Xero Tax Rate",
						reqd: 1,
						get_query: () => ({ filters: { status: "ACTIVE", company: this.company.get_value() } }),
					},
				],
				primary_action_label: __("Create Mapping"),
				primary_action: (values) => {
					frappe
						.call({
							method: READINESS + "create_mapping",
							args: {
								kind: is_account ? "account" : "tax",
								mapping_type: values.mapping_type,
								reference_name: options[values.mapping_type],
								xero_code: values.xero_code,
								company: this.company.get_value(),
							},
						})
						.then(() => {
							dialog.hide();
							done();
						});
				},
			});
			dialog.show();
		} else if (issue.action === "create_contact") {
			frappe.confirm(__("Create a contact for {0} in Xero?", [issue.subject.bold()]), () =>
				frappe.call(READINESS + "create_contact", { customer: issue.subject }).then(done)
			);
		} else if (issue.action === "link_contact") {
			frappe.confirm(
				__("Link customer {0} to the Xero contact {1}?", [
					issue.subject.bold(),
					(issue.action_args.contact_name || "").bold(),
				]),
				() =>
					frappe
						.call(READINESS + "link_contact", {
							customer: issue.subject,
							contact_id: issue.action_args.contact_id,
						})
						.then(done)
			);
		}
	}
}

"""A person at the desk, in Debian's Chromium driven by Selenium: logs in, opens
pages, clicks what a person clicks, waits for what a person waits for, saves
screenshots, and collects what the browser console reported."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

# the rows of the Link dropdown open now (Frappe shows one at a time; a Dynamic Link's
# list is not inside its control's element): <li>, or <div role="option"> in Frappe 15
OPEN_DROPDOWN_ITEMS = "ul[role=listbox] > li, ul[role=listbox] > [role=option]"

CHROMIUM = os.environ.get("XERO_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("XERO_CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")

# Console lines that are not the app's errors: the browser asking for things this
# offline machine does not serve, and Chromium noting that it did not ask "leave this
# page?" when a test, not a person, leaves a form with unsaved changes.
IGNORED_CONSOLE = (
	re.compile(r"favicon\.ico"),
	re.compile(r"net::ERR_(NAME_NOT_RESOLVED|INTERNET_DISCONNECTED|CONNECTION_REFUSED)"),
	re.compile(r"Blocked attempt to show a 'beforeunload' confirmation panel"),
	# Frappe 16's sidebar header draws each divider of its own menu as <img src="undefined">
	# (SidebarHeader.add_app_item): on /desk itself that is a request for /undefined, 404,
	# on every site, whatever its apps (the desk's, not the app's)
	re.compile(
		r"^https?://[^/]+/undefined - Failed to load resource: the server responded with a status of 404"
	),
)


def desk_prefix(version: str) -> str:
	"""Where the desk of this Frappe lives: ``/app`` up to 15, ``/desk`` from 16 (where
	``/app/...`` only redirects). The one place the tests ask which desk they are in."""
	major = int(version.split(".")[0]) if version and version.split(".")[0].isdigit() else 15
	return "/desk" if major >= 16 else "/app"


def xpath_literal(text: str) -> str:
	if "'" not in text:
		return f"'{text}'"
	return "concat('" + "', \"'\", '".join(text.split("'")) + "')"


class Desk:
	def __init__(
		self, base_url: str, screenshots: Path, version: str = "", width: int = 1400, height: int = 1000
	):
		self.base_url = base_url.rstrip("/")
		self.prefix = desk_prefix(version)
		self.screenshots = screenshots
		self.profile = tempfile.mkdtemp(prefix="xero-chromium-")
		options = webdriver.ChromeOptions()
		options.binary_location = CHROMIUM
		for flag in (
			"--headless=new",
			"--no-sandbox",
			"--disable-gpu",
			"--disable-dev-shm-usage",
			"--disable-quic",
			"--no-first-run",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
			# the desk plays a sound with some alerts; headless Chromium refuses autoplay
			# without a click and logs it as an uncaught error (the browser's policy, not the app)
			"--autoplay-policy=no-user-gesture-required",
			f"--user-data-dir={self.profile}",
			f"--window-size={width},{height}",
		):
			options.add_argument(flag)
		options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
		self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
		self.driver.set_page_load_timeout(60)
		self.console: list[dict] = []

	# -- navigation --------------------------------------------------------------------------------

	def login(self, user: str, password: str):
		# leave the earlier desk page first, for a page of the same site with no script (the
		# favicon, which this offline site does not serve: IGNORED_CONSOLE): the desk's pending
		# calls (a list's count after a realtime update) would otherwise reach the server as
		# Guest once the cookies are gone. Cookies are per site, so they are deleted from there
		self.open("/favicon.ico")
		self.driver.delete_all_cookies()
		self.open("/login")
		self.wait_css("#login_email").send_keys(user)
		self.wait_css("#login_password").send_keys(password + Keys.ENTER)
		WebDriverWait(self.driver, 60).until(lambda d: "/login" not in d.current_url)
		self.wait_desk()

	def open(self, path: str):
		self.driver.get(self.base_url + path if path.startswith("/") else path)

	def path(self, route: str) -> str:
		"""The address of a desk route (``xero-settings``, ``sales-invoice/NAME``) in this desk."""
		return f"{self.prefix}/{route.lstrip('/')}"

	def go(self, route: str):
		"""Open a desk route (``xero-settings``) and wait until the desk has drawn it."""
		self.open(self.path(route))
		self.wait_desk()

	def wait_desk(self, timeout: float = 60):
		"""The desk has booted and is not busy (no freeze, no pending calls)."""
		WebDriverWait(self.driver, timeout).until(
			lambda d: d.execute_script(
				"return !!(window.frappe && frappe.boot && frappe.container && frappe.container.page"
				" && !(frappe.dom && frappe.dom.freeze_count) && !(frappe.request && frappe.request.ajax_count))"
			)
		)
		time.sleep(0.3)

	# -- finding and waiting -----------------------------------------------------------------------

	def wait_css(self, selector: str, timeout: float = 30, visible: bool = True):
		condition = EC.visibility_of_element_located if visible else EC.presence_of_element_located
		return WebDriverWait(self.driver, timeout).until(condition((By.CSS_SELECTOR, selector)))

	def wait_xpath(self, xpath: str, timeout: float = 30):
		return WebDriverWait(self.driver, timeout).until(EC.visibility_of_element_located((By.XPATH, xpath)))

	def wait_text(self, text: str, timeout: float = 30, scope: str = "//body"):
		"""A visible element of the page whose text contains ``text``."""
		return self.wait_xpath(
			f"{scope}//*[contains(normalize-space(.), {xpath_literal(text)})][not(*)]", timeout
		)

	def wait_until(self, predicate, timeout: float = 60, message: str = ""):
		return WebDriverWait(self.driver, timeout, poll_frequency=0.5).until(lambda d: predicate(), message)

	def page_text(self) -> str:
		return self.driver.find_element(By.TAG_NAME, "body").text

	def click(self, element):
		self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
		try:
			element.click()
		except Exception:
			self.driver.execute_script("arguments[0].click();", element)

	def button(self, label: str, timeout: float = 30):
		"""A visible button (or dropdown item) whose label is ``label``."""
		literal = xpath_literal(label)
		xpath = (
			f"//button[normalize-space(.)={literal}] | //a[contains(@class,'dropdown-item')][normalize-space(.)={literal}]"
			f" | //button[@data-label={xpath_literal(label.replace(' ', '%20'))}]"
		)
		end = time.monotonic() + timeout
		while True:
			for element in self.driver.find_elements(By.XPATH, xpath):
				try:
					if element.is_displayed():
						return element
				except StaleElementReferenceException:
					continue
			if time.monotonic() > end:
				raise TimeoutException(f"no visible button {label!r} on {self.driver.current_url}")
			time.sleep(0.3)

	def click_button(self, label: str, group: str | None = None, timeout: float = 30):
		"""Click a form's button; ``group``: the dropdown it sits in (e.g. "Xero")."""
		if group:
			self.click(self.button(group, timeout))
			time.sleep(0.3)
		self.click(self.button(label, timeout))

	def xero_line(self, timeout: float = 90) -> str:
		"""The Xero line of a Sales or Purchase Invoice form once Xero's status is shown."""
		phrase = "contains(normalize-space(.), 'Amount due in Xero')"
		element = self.wait_xpath(
			"//div[contains(@class,'form-message') or contains(@class,'form-dashboard')]"
			f"//*[{phrase}][not(./*[{phrase}])]",
			timeout,
		)
		return element.text

	def tab(self, label: str):
		"""Open a form's tab (its fields are not shown, nor can be filled, until it is)."""
		self.click(
			self.wait_xpath(
				# an <a> in Frappe 15, a <button> in Frappe 16
				f"//ul[contains(@class,'form-tabs')]//*[contains(@class,'nav-link')][normalize-space(.)={xpath_literal(label)}]"
			)
		)
		time.sleep(0.3)

	def fill(self, fieldname: str, value: str, scope: str = ""):
		"""Type into a form field as a person does (and leave it)."""
		field = self.wait_css(f"{scope} .frappe-control[data-fieldname='{fieldname}'] input")
		field.clear()
		field.send_keys(value)
		return field

	def awesomplete_options(self, fieldname: str, typed: str = "", scope: str = "") -> list[str]:
		"""What a Link field's dropdown offers once ``typed`` is typed."""
		field = self.fill(fieldname, typed, scope)
		field.click()
		try:
			WebDriverWait(self.driver, 15).until(
				lambda d: any(
					li.is_displayed()
					for li in d.find_elements(
						By.CSS_SELECTOR,
						OPEN_DROPDOWN_ITEMS,
					)
				)
			)
		except TimeoutException:
			return []
		time.sleep(0.5)
		items = self.driver.find_elements(By.CSS_SELECTOR, OPEN_DROPDOWN_ITEMS)
		return [li.text.strip() for li in items if li.is_displayed() and li.text.strip()]

	def link_values(self, fieldname: str, typed: str = "", scope: str = "") -> list[str]:
		"""The values (names) a Link field's dropdown offers once ``typed`` is typed: the
		rows of the list, not its "Create a new" / "Advanced Search" / filter lines."""
		self.awesomplete_options(fieldname, typed, scope)
		# the list's own lines: "Filters applied ..." (v15), "Filtered by: ..." (v16)
		extra = ("Create a new", "Advanced Search", "Filters applied", "Filtered by", "No results")
		values = []
		for li in self.driver.find_elements(By.CSS_SELECTOR, OPEN_DROPDOWN_ITEMS):
			try:
				if not li.is_displayed():
					continue
				value = (li.text or "").split("\n")[0].strip()
			except StaleElementReferenceException:
				continue
			if value and not value.startswith(extra):
				values.append(value)
		return values

	def pick(self, fieldname: str, value: str, scope: str = ""):
		"""Type into a Link field and click the dropdown row of ``value``, as a person does
		(a row shows the record's title first and its name under it where the doctype says so)."""
		self.awesomplete_options(fieldname, value, scope)
		rows = [
			li
			for li in self.driver.find_elements(By.CSS_SELECTOR, OPEN_DROPDOWN_ITEMS)
			if li.is_displayed() and value in [line.strip() for line in (li.text or "").split("\n")]
		]
		if not rows:
			self.screenshot(f"failed-pick-{fieldname}")
			raise AssertionError(
				f"{value!r} is not offered in {fieldname}: {self.link_values(fieldname, value, scope)}"
			)
		self.click(rows[0])
		field = self.driver.find_element(
			By.CSS_SELECTOR, f"{scope} .frappe-control[data-fieldname='{fieldname}'] input"
		)

		def taken():
			# the input shows the name, or (a form's link to a doctype shown by its title) the
			# form's document holds it
			if field.get_attribute("value") == value:
				return True
			return not scope and self.doc_value(fieldname) == value

		self.wait_until(taken, 15, f"{fieldname} did not take {value!r}")
		time.sleep(0.5)  # the control's change handlers (validate the link, fetch its fields)

	def choose(self, fieldname: str, value: str, scope: str = ""):
		"""Choose an option of a Select field."""
		element = self.wait_css(f"{scope} .frappe-control[data-fieldname='{fieldname}'] select")
		Select(element).select_by_value(value)
		self.wait_until(lambda: self.doc_value(fieldname) == value, 15, f"{fieldname} did not take {value!r}")

	def doc_value(self, fieldname: str):
		"""The open form's document value of ``fieldname``."""
		return self.driver.execute_script("return window.cur_frm && cur_frm.doc[arguments[0]]", fieldname)

	def form_state(self) -> dict:
		return self.driver.execute_script(
			"return window.cur_frm ? {name: cur_frm.doc.name, docstatus: cur_frm.doc.docstatus,"
			" is_new: !!cur_frm.is_new(), dirty: !!cur_frm.is_dirty()} : {}"
		)

	def save(self):
		"""Ctrl+S on the open form; waits until it is saved."""
		self.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.CONTROL, "s")
		self.wait_until(
			lambda: not self.form_state().get("is_new") and not self.form_state().get("dirty"),
			30,
			"the form was not saved",
		)
		self.wait_desk()

	def alert(self, text: str, timeout: float = 30):
		"""A desk alert (the green toast at the bottom right) containing ``text``."""
		return self.wait_xpath(
			f"//div[contains(@class,'desk-alert')][contains(normalize-space(.), {xpath_literal(text)})]",
			timeout,
		)

	def dialog(self, timeout: float = 30):
		"""The modal dialog on top."""
		return self.wait_css(".modal.show .modal-dialog", timeout)

	# -- evidence ----------------------------------------------------------------------------------

	def screenshot(self, name: str) -> Path:
		path = self.screenshots / f"{name}.png"
		self.driver.save_screenshot(str(path))
		return path

	def console_errors(self) -> list[str]:
		"""SEVERE console lines since the last call, less the offline machine's noise."""
		for entry in self.driver.get_log("browser"):
			self.console.append(entry)
		errors = [
			e["message"]
			for e in self.console
			if e.get("level") == "SEVERE" and not any(p.search(e["message"]) for p in IGNORED_CONSOLE)
		]
		self.console.clear()
		return errors

	def quit(self):
		try:
			self.driver.quit()
		finally:
			shutil.rmtree(self.profile, ignore_errors=True)

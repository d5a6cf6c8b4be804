"""The citizen pages in a real browser: headless Chromium driven by Selenium."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
WAIT_SECONDS = 20
SIGN_OUT_BUTTON = (By.CSS_SELECTOR, ".account-bar form[action='/logout'] button[type='submit']")


def masked(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


@pytest.fixture(scope="module")
def chromium():
    options = Options()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=zh-CN", "--window-size=1280,1024"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(chromium, base_url, request, tmp_path_factory):
    """The shared Chromium with no cookies; on failure its screenshot and page are saved and named."""
    chromium.get(base_url + "/healthz")
    chromium.delete_all_cookies()
    yield chromium
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        folder = Path(tmp_path_factory.mktemp("browser-failure"))
        chromium.save_screenshot(str(folder / "page.png"))
        (folder / "page.html").write_text(chromium.page_source, encoding="utf-8")
        print(f"\nbrowser at {chromium.current_url}; screenshot and page saved in {folder}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


def wait(driver):
    return WebDriverWait(driver, WAIT_SECONDS)


def submit_and_wait_for_page(driver, button_locator):
    """Clicks a submit button and waits until the old page is gone."""
    old_root = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(*button_locator).click()

    def replaced(_):
        # Mid-navigation Chromium may answer for the old node with an inspector error
        # ("Node with given id does not belong to the document") instead of a stale
        # reference; either way the old page is gone.
        try:
            old_root.is_enabled()
            return False
        except WebDriverException:
            return True

    wait(driver).until(replaced)


def fill(driver, field_id: str, value: str):
    element = wait(driver).until(EC.visibility_of_element_located((By.ID, field_id)))
    element.clear()
    element.send_keys(value)


def assert_signed_in_home(driver, base_url: str, phone: str, level: str):
    wait(driver).until(EC.url_to_be(base_url + "/"))
    badge = wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".badge.level")))
    assert badge.text.strip() == level
    account_card = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby='acct']")
    assert masked(phone) in account_card.text, account_card.text
    assert phone not in driver.page_source, "the full phone number must not be shown"
    who = driver.find_element(By.CSS_SELECTOR, ".account-bar .who").text.strip()
    assert who, "the header does not name the signed-in account"
    assert driver.find_element(By.ID, "acct").text.strip() == who
    assert "实名等级" in account_card.text, "the page is not in Chinese"


def sign_out(driver, base_url: str):
    submit_and_wait_for_page(driver, SIGN_OUT_BUTTON)
    wait(driver).until(EC.url_to_be(base_url + "/"))
    assert not driver.find_elements(By.CSS_SELECTOR, ".account-bar .who")
    assert not driver.find_elements(By.CSS_SELECTOR, ".badge.level")
    assert driver.find_elements(By.CSS_SELECTOR, ".account-bar a[href='/login']"), "no sign-in link after signing out"
    assert driver.get_cookie("yiwang_session") is None or not driver.get_cookie("yiwang_session").get("value")


def sign_in(driver, base_url: str, login: str, password: str):
    driver.get(base_url + "/login")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang").startswith("zh")
    fill(driver, "login", login)
    fill(driver, "password", password)
    submit_and_wait_for_page(driver, (By.ID, "sign-in"))


def test_citizen_signs_in_and_out(browser, base_url, demo_citizens):
    citizen = demo_citizens["L1"]
    browser.get(base_url + "/login")
    csrf = browser.get_cookie("yiwang_csrf")
    assert csrf and csrf.get("httpOnly"), "the CSRF cookie is missing or readable by scripts"
    hidden = browser.find_element(By.CSS_SELECTOR, "form[action='/login'] input[name='csrf_token']").get_attribute("value")
    assert hidden == csrf["value"]

    sign_in(browser, base_url, citizen["login"], citizen["password"])
    assert_signed_in_home(browser, base_url, citizen["login"], "L1")
    assert browser.find_elements(By.CSS_SELECTOR, "a[href='/account/verify']"), "an L1 citizen is offered real-name verification"
    sign_out(browser, base_url)


def test_wrong_password_keeps_the_citizen_on_the_sign_in_page(browser, base_url, demo_citizens):
    citizen = demo_citizens["L1"]
    sign_in(browser, base_url, citizen["login"], "not-the-password-1")
    errors = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".errors[role='alert']")))
    assert errors.text.strip()
    assert browser.find_element(By.ID, "login").get_attribute("value") == citizen["login"]
    assert browser.find_element(By.ID, "password").get_attribute("value") == ""
    assert not browser.find_elements(By.CSS_SELECTOR, ".badge.level")


def test_citizen_registers_with_an_sms_code(browser, base_url, server, fresh_phone):
    browser.get(base_url + "/register")
    assert not browser.find_elements(By.ID, "code"), "the code field appears only after a code was sent"
    fill(browser, "phone", fresh_phone)
    submit_and_wait_for_page(browser, (By.ID, "send-code"))

    wait(browser).until(EC.visibility_of_element_located((By.ID, "code")))
    assert browser.find_element(By.CSS_SELECTOR, ".notice[role='status']").text.strip()
    assert not browser.find_elements(By.CSS_SELECTOR, ".errors")
    code = server.latest_sms_code(fresh_phone)

    password = "e2e" + secrets.token_hex(4) + "A1"
    fill(browser, "code", code)
    fill(browser, "password", password)
    fill(browser, "password_confirm", password)
    submit_and_wait_for_page(browser, (By.ID, "register"))
    assert_signed_in_home(browser, base_url, fresh_phone, "L1")

    sign_out(browser, base_url)

    # The new account signs in with the password chosen at registration.
    sign_in(browser, base_url, fresh_phone, password)
    assert_signed_in_home(browser, base_url, fresh_phone, "L1")
    sign_out(browser, base_url)

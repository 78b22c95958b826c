"""The workspace in a real browser: sign in, upload, search, read a document, review a
claim, look at a facility and the map, take in a testimony and read it as an analyst;
a hostile document runs and fetches nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conftest import screenshot, sign_in
from testimony_support import PASSPHRASE

TEXT = "Former prisoners of Camp 16 near Hwasong described forced labour and beatings in 2019.\n"


def test_sign_in_lands_on_the_dashboard(page: Any) -> None:
    page.goto("/")
    page.wait_for_url("**/login**")
    screenshot(page, "login")
    sign_in(page, "investigator")
    assert page.locator("h1").inner_text() == "Dashboard"
    assert int(page.locator(".big").inner_text().strip()) >= 6
    screenshot(page, "dashboard")


def test_upload_by_drop_zone_shows_each_file(page: Any) -> None:
    sign_in(page, "investigator")
    page.goto("/upload")
    page.evaluate("""text => {
        const files = new DataTransfer();
        files.items.add(new File([text], "hwasong-notes.txt", {type: "text/plain"}));
        files.items.add(new File([], "empty.txt", {type: "text/plain"}));
        document.getElementById("drop").dispatchEvent(
            new DragEvent("drop", {dataTransfer: files, bubbles: true, cancelable: true}));
    }""", TEXT)
    assert page.locator("#chosen li").count() == 2
    page.click("#upload-button")
    page.wait_for_selector("#upload-result table.results")
    rows = page.locator("#upload-result tbody tr")
    assert rows.count() == 2
    text = page.locator("#upload-result").inner_text()
    assert "hwasong-notes.txt" in text and "ok" in text and "empty" in text
    assert page.locator("progress").get_attribute("value") == "100"
    screenshot(page, "upload")
    page.locator("#upload-result a").first.click()
    page.wait_for_selector("#doc-text")
    assert "Hwasong" in page.locator("#doc-text").inner_text()


def test_upload_by_choosing_files(page: Any, tmp_path: Path) -> None:
    sign_in(page, "admin")
    page.goto("/upload")
    chosen = tmp_path / "chongori-notes.txt"
    chosen.write_text("Prisoners at Kyohwaso No. 12 in Jongori were beaten.\n", encoding="utf-8")
    page.set_input_files("#files", [str(chosen)])
    page.click("#upload-button")
    page.wait_for_selector("#upload-result tbody tr.status-ok")
    assert "chongori-notes.txt" in page.locator("#upload-result").inner_text()


def test_search_and_open_a_document(page: Any) -> None:
    sign_in(page, "analyst")
    page.goto("/search")
    page.fill("input[name=q]", "Yoduk")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("ol.results li.result")
    assert "Also searched" in page.content()
    assert page.locator("ol.results mark").count() > 0
    screenshot(page, "search")
    page.locator("ol.results a.title").first.click()
    page.wait_for_selector("#doc-text")
    highlight = page.locator("#doc-text a.hl-facility").first
    highlight.click()
    assert page.locator("li.item.active").count() >= 1
    screenshot(page, "document")
    with page.expect_download() as download:
        page.click("text=Download original")
    assert download.value.suggested_filename.endswith((".html", ".txt", ".eml"))


def test_review_a_claim(page: Any) -> None:
    sign_in(page, "analyst")
    page.goto("/review")
    row = page.locator("tr", has_text="Satellite images show")
    row.locator("a.button", has_text="Review").click()
    page.wait_for_selector(".review-item")
    claim = page.locator(".review-item.kind-claim").first
    claim.locator("details.correct summary").click()
    claim.locator("input[name=low]").fill("45000")
    claim.locator("input[name=note]").fill("figure checked against the source")
    claim.locator("details.correct button[type=submit]").click()
    page.wait_for_selector(".review-item.kind-claim.state-corrected")
    corrected = page.locator(".review-item.kind-claim.state-corrected").first
    assert "Machine said" in corrected.inner_text()
    assert "corrected by analyst" in corrected.inner_text()
    page.locator(".review-item.state-unreviewed button.accept").first.click()
    page.wait_for_selector(".review-item.state-accepted")
    screenshot(page, "review")


def test_facility_page_and_map(page: Any) -> None:
    sign_in(page, "viewer")
    page.goto("/facilities/kwanliso-15")
    assert page.locator("svg.map path.province").count() == 11
    assert page.locator("svg.map a.highlight").count() == 1
    screenshot(page, "facility")
    page.goto("/map")
    assert page.locator("svg.map a.facility").count() > 50
    screenshot(page, "map")
    page.locator("svg.map a.ft-kwanliso").first.click()
    page.wait_for_url("**/facilities/**")
    assert page.locator("svg.map a.highlight").count() == 1


def test_analysis_pages(page: Any) -> None:
    sign_in(page, "admin")
    for path, name in (("/estimates", "estimates"), ("/corroboration", "corroboration"),
                       ("/matrix", "matrix"), ("/admin/audit", "audit")):
        page.goto(path)
        assert page.locator("h1").count() == 1
        if name != "audit":
            assert page.locator("svg.chart").count() >= 1
        screenshot(page, name)


def test_a_hostile_document_runs_nothing_and_fetches_nothing(page: Any, server: str) -> None:
    requested: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, "viewer")
    page.goto("/documents")
    page.locator("tr", has_text="hostile-report.html").locator("a").first.click()
    page.wait_for_selector("#doc-text")
    page.wait_for_timeout(1500)  # time for anything that would run or load
    text = page.locator("#doc-text").inner_text()
    assert "Yodok" in text
    assert page.evaluate("document.querySelectorAll('script').length") == 1
    assert page.evaluate("document.querySelectorAll('#doc-text *:not(a)').length") == 0
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    screenshot(page, "hostile-document")
    page.goto("/search?q=Yodok")  # snippets of the hostile document are inert too
    page.wait_for_selector("ol.results li.result")
    page.wait_for_timeout(500)
    assert dialogs == []
    local = urlsplit(server).netloc
    outside = [url for url in requested
               if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != local]
    assert outside == []


def test_take_in_a_testimony_and_read_it_as_an_analyst(page: Any, tmp_path: Path) -> None:
    witness, relative = "Choe Min-gyong", "Choe Dal-sun"
    sign_in(page, "investigator")
    page.goto("/testimonies")
    page.click("#new-testimony")
    page.fill("input[name=passphrase]", PASSPHRASE)  # the keys are locked: unlock in the form
    page.fill("input[name=interview_date]", "2024-05-14")
    page.fill("input[name=interview_place]", "Seoul")
    page.fill("input[name=interviewer]", "Park Ji-won")
    page.fill("input[name=witness_name]", witness)
    page.fill("textarea[name=relatives]", f"{relative} | sister | Hoeryong")
    page.check("input[name=scopes][value=internal-analysis]")
    page.fill("textarea[name=statement]",
              f"I, {witness}, was held at Chongori (Kyohwaso No. 12) from 2009 to 2011. Guards "
              f"beat prisoners. My sister {relative} still lives there.")
    recording = tmp_path / "interview.ogg"
    recording.write_bytes(b"OggS a recorded interview")
    page.set_input_files("#testimony-files", [str(recording)])
    page.click("#intake-submit")
    page.wait_for_selector("#intake-result")
    result = page.locator("#intake-result").inner_text()
    assert "kyohwaso-12" in result and "2009-2011" in result and "1 file(s)" in result
    screenshot(page, "testimony-intake")
    page.click("#new-testimony-link")
    page.wait_for_selector("#statement")
    assert witness in page.locator("#identity").inner_text()
    assert "interview.ogg" in page.locator("#files").inner_text()
    page.click("#lock-keys")
    page.wait_for_url("**/testimonies")

    page.click("text=Sign out")
    sign_in(page, "analyst")
    page.goto("/testimonies")
    page.select_option("#purpose-form select[name=purpose]", "internal-analysis")
    page.click("#purpose-form button[type=submit]")
    page.locator("#testimony-list a").first.click()
    page.wait_for_url("**/testimonies/unlock**")  # locked for this session: unlock, come back
    page.fill("input[name=passphrase]", PASSPHRASE)
    page.click("#unlock-form button[type=submit]")
    page.wait_for_selector("#statement")
    statement = page.locator("#statement").inner_text()
    assert "Chongori" in statement
    assert witness not in page.content() and relative not in page.content()
    assert page.locator("#identity").count() == 0 and page.locator("#files").count() == 0
    assert "no clearance for identities" in page.locator("#withheld").inner_text()
    screenshot(page, "testimony")

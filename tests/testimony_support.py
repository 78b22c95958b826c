"""Shared pieces of the testimony tests: a synthetic witness whose every protected
string is distinctive, so a leak anywhere on disk can be found by grepping bytes."""

from __future__ import annotations

from typing import Any

from sillok import testimony as t
from sillok.store.archive import Archive

PASSPHRASE = "plum orchard under granite skies"
CHEAP = t.KdfParams(memory_kib=1024, iterations=1, lanes=1)  # fast tests; real default is 64 MiB

WITNESS = "Hwang Seol-hwa"
ALIAS = "Seolhwa"
CONTACT = "+82-10-7777-3141"
RELATIVE = "Hwang Dok-sun"
RELATIVE_PLACE = "Musan-gun Chilsong-ri"
PERSON = "Ryom Kwang-pil"
STATEMENT = (
    f"My name is {WITNESS}. I was held at Yodok (Camp 15) from 1997 to 2003. Guards beat "
    f"prisoners every week. My friends called me {ALIAS}. {PERSON}, a fellow prisoner, was shot "
    "at 42.4381, 129.7501 in 1999 and we buried him by the quartz-white boulder. "
    f"My brother {RELATIVE} still lives in {RELATIVE_PLACE}."
)
BURIAL_DETAIL = "forty paces north of the quartz-white boulder"
# Never in any output for a role without clearance, nor in any export (unless named).
IDENTITY = [WITNESS, ALIAS, CONTACT, RELATIVE, RELATIVE_PLACE, PERSON]
PRECISE = ["42.4381", "129.7501", "39.8412", "127.0953", BURIAL_DETAIL]
# Never anywhere on disk.
PROTECTED = [WITNESS, ALIAS, CONTACT, RELATIVE, RELATIVE_PLACE, PERSON, "quartz-white",
             BURIAL_DETAIL, "42.4381", "129.7501", "39.8412", "127.0953"]


def record(**changes: Any) -> t.TestimonyInput:
    """A complete testimony for tests; keyword arguments replace fields."""
    values: dict[str, Any] = dict(
        interview_date="2024-03-02", interview_place="Seoul", interviewer="Park Ji-won",
        identity=t.Identity(name=WITNESS, birth_year=1971, contacts=(CONTACT,),
                            relatives=(t.Relative(RELATIVE, "brother", RELATIVE_PLACE),),
                            aliases=(ALIAS,)),
        consent=t.Consent(frozenset({"internal-analysis", "un-sharing"})),
        statement=STATEMENT, risk_level="high", private_persons=[PERSON],
        locations=[t.Location("burial-site", "boulder", "South Hamgyong", "Yodok", 39.8412,
                              127.0953, BURIAL_DETAIL)],
    )
    values.update(changes)
    return t.TestimonyInput(**values)


def new_vault(archive: Archive) -> t.Vault:
    return t.init_keys(archive, t.Credential.passphrase(PASSPHRASE), user="intake-officer",
                       kdf=CHEAP)

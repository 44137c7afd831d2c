"""Status is a function of the day asked about, with a fixed precedence."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from linking.model import LedgerEntry
from linking.status import status_on

DOC = 7
ENTRY_KINDS = ("repeals", "replaces", "amends", "partially_repeals", "cites", "expires")


def test_repealed_from_its_effective_date_not_before():
    ledger = [LedgerEntry(1, DOC, "repeals", "whole", date(2024, 5, 1))]
    kwargs = {"effective_date": date(2019, 1, 1), "expiry_date": None}
    assert status_on(DOC, date(2024, 4, 30), ledger, **kwargs) == "in_force"
    assert status_on(DOC, date(2024, 5, 1), ledger, **kwargs) == "repealed"


def test_not_yet_effective():
    assert (
        status_on(DOC, date(2024, 8, 31), [], effective_date=date(2024, 9, 1), expiry_date=None)
        == "not_yet_effective"
    )
    assert (
        status_on(DOC, date(2024, 9, 1), [], effective_date=date(2024, 9, 1), expiry_date=None) == "in_force"
    )


def test_expired_after_the_last_day():
    # 001 line 5577: 自2024年4月1日起施行,有效期至2026年3月31日
    kwargs = {"effective_date": date(2024, 4, 1), "expiry_date": date(2026, 3, 31)}
    assert status_on(DOC, date(2026, 3, 31), [], **kwargs) == "in_force"
    assert status_on(DOC, date(2026, 4, 1), [], **kwargs) == "expired"
    ledger = [LedgerEntry(DOC, DOC, "expires", "whole", date(2026, 3, 31))]
    assert (
        status_on(DOC, date(2026, 4, 1), ledger, effective_date=date(2024, 4, 1), expiry_date=None)
        == "expired"
    )


def test_precedence():
    day = date(2024, 6, 1)
    kwargs = {"effective_date": date(2020, 1, 1), "expiry_date": date(2024, 1, 1)}
    amend = LedgerEntry(2, DOC, "amends", "whole", date(2021, 1, 1))
    part = LedgerEntry(3, DOC, "partially_repeals", "附件2", date(2022, 1, 1))
    replace = LedgerEntry(4, DOC, "replaces", "whole", date(2024, 3, 1))
    assert status_on(DOC, day, [amend], effective_date=date(2020, 1, 1), expiry_date=None) == "amended"
    assert (
        status_on(DOC, day, [amend, part], effective_date=date(2020, 1, 1), expiry_date=None)
        == "partially_repealed"
    )
    assert status_on(DOC, day, [amend, part], **kwargs) == "expired"
    assert status_on(DOC, day, [amend, part, replace], **kwargs) == "replaced"


def test_only_relations_targeting_the_document_count():
    ledger = [LedgerEntry(DOC, 99, "repeals", "whole", date(2020, 1, 1))]
    assert status_on(DOC, date(2024, 1, 1), ledger, effective_date=None, expiry_date=None) == "in_force"


def test_unknown_effective_date_counts_every_day():
    ledger = [LedgerEntry(1, DOC, "repeals", "whole", None)]
    assert status_on(DOC, date(1990, 1, 1), ledger, effective_date=None, expiry_date=None) == "repealed"


_days = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
_entries = st.lists(
    st.builds(
        LedgerEntry,
        st.integers(1, 5),
        st.sampled_from([DOC, 8]),
        st.sampled_from(ENTRY_KINDS),
        st.just("whole"),
        _days | st.none(),
    ),
    max_size=6,
)


@given(_entries, _days, _days, st.integers(0, 5000), _days | st.none(), _days | st.none())
def test_once_repealed_stays_repealed(ledger, repealed_on, asked, later, effective, expiry):
    ledger = [*ledger, LedgerEntry(9, DOC, "repeals", "whole", repealed_on)]
    first = status_on(DOC, max(asked, repealed_on), ledger, effective_date=effective, expiry_date=expiry)
    after = status_on(
        DOC,
        max(asked, repealed_on) + timedelta(days=later),
        ledger,
        effective_date=effective,
        expiry_date=expiry,
    )
    assert first in ("repealed", "replaced")
    assert after == first

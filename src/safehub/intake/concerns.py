"""What a contact is about: the DfE children in need census "factors identified at the end of assessment" codes.

The codes are the census's own, so a concern recorded at the front door can be carried through to the assessment and the
census return without translation. The labels are our short wording for a busy screen, not the DfE's text. Check the
list against the collection year's CIN census guide when the DfE revises it (it did in 2018-19: physical and sexual abuse
split by who harmed the child, child criminal exploitation added); the newest codes are the ones to re-check first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Concern:
    code: str
    label: str

    @property
    def display(self) -> str:
        return f"{self.code} {self.label}"


CONCERNS: tuple[Concern, ...] = (
    Concern("1A", "Alcohol misuse: child"),
    Concern("1B", "Alcohol misuse: parent or carer"),
    Concern("1C", "Alcohol misuse: other person in the household"),
    Concern("2A", "Drug misuse: child"),
    Concern("2B", "Drug misuse: parent or carer"),
    Concern("2C", "Drug misuse: other person in the household"),
    Concern("3A", "Domestic abuse: child subject"),
    Concern("3B", "Domestic abuse: parent or carer subject"),
    Concern("3C", "Domestic abuse: other person in the household subject"),
    Concern("4A", "Mental health: child"),
    Concern("4B", "Mental health: parent or carer"),
    Concern("4C", "Mental health: other person in the household"),
    Concern("5A", "Learning disability: child"),
    Concern("5B", "Learning disability: parent or carer"),
    Concern("5C", "Learning disability: other person in the household"),
    Concern("6A", "Physical disability or illness: child"),
    Concern("6B", "Physical disability or illness: parent or carer"),
    Concern("6C", "Physical disability or illness: other person in the household"),
    Concern("7A", "Young carer"),
    Concern("8B", "Privately fostered: from overseas, intending to return"),
    Concern("8C", "Privately fostered: from overseas, intending to stay"),
    Concern("8D", "Privately fostered: UK child in an educational placement"),
    Concern("8E", "Privately fostered: UK child, family's own arrangement"),
    Concern("8F", "Privately fostered: other"),
    Concern("9A", "Unaccompanied asylum-seeking child"),
    Concern("10A", "Going or being missing"),
    Concern("11A", "Child sexual exploitation"),
    Concern("12A", "Trafficking"),
    Concern("13A", "Gangs"),
    Concern("14A", "Socially unacceptable behaviour"),
    Concern("15A", "Self-harm"),
    Concern("16A", "Neglect"),
    Concern("17A", "Emotional abuse"),
    Concern("18B", "Physical abuse by an adult"),
    Concern("18C", "Physical abuse by another child"),
    Concern("19B", "Sexual abuse by an adult"),
    Concern("19C", "Sexual abuse by another child"),
    Concern("20", "Female genital mutilation"),
    Concern("21", "Abuse linked to faith or belief"),
    Concern("22A", "Other"),
    Concern("23A", "Radicalisation"),
    Concern("24A", "Child criminal exploitation"),
)

BY_CODE: dict[str, Concern] = {c.code: c for c in CONCERNS}
CHOICES: list[tuple[str, str]] = [(c.code, c.display) for c in CONCERNS]


def label(code: str) -> str:
    """'11A Child sexual exploitation' for '11A'; an unknown code is shown as it is, never dropped."""
    concern = BY_CODE.get(code)
    return concern.display if concern else code


def unknown(codes) -> list[str]:
    return [c for c in codes if c not in BY_CODE]

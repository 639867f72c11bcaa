"""The glossary on /methodology (#19.10): the terms and abbreviations the site's pages use,
each with a short general definition. Pages link a term's first use to its entry
(`/methodology#glossary-<slug>`, the `term` macro) and expand an abbreviation in `<abbr title>`
(the `abbr` macro), so a reader need not know the jargon to follow a page.

Definitions say what a word means here and state only settled, general facts (treaty articles,
voting rules); nothing about this dataset's options."""

from dataclasses import dataclass

from app.dataset.vocabulary import VetoStatus


@dataclass(frozen=True)
class Term:
    slug: str  # the anchor: glossary-<slug>
    term: str
    definition: str
    expansion: str = ""  # an abbreviation's full words, for <abbr title>
    see: str = ""  # the methodology section that says more


def _status(status: VetoStatus) -> Term:
    return Term(status.value, status.label, f"A veto status: {status.meaning}.", see="veto")


TERMS: tuple[Term, ...] = (
    _status(VetoStatus.BARRED),
    _status(VetoStatus.BLOCKED),
    Term(
        "blocker",
        "Blocker",
        "A veto holder whose latest recorded stance opposes the option. One blocker is enough "
        "to block the step it can veto.",
        see="veto",
    ),
    Term(
        "rank-chances",
        "Chance of each rank",
        "How often an option comes first, second and so on when every score may take any value "
        "in its range. It shows how firm a ranking is: a lead that holds in over 99 % of cases "
        "does not depend on how the ranges are read.",
        see="rank-chances",
    ),
    _status(VetoStatus.CLEAR),
    Term(
        "coalition",
        "Coalition",
        "An arrangement that binds only the states that choose to join it (a “coalition of the "
        "willing”). Nobody can veto it for others, so it has no veto holders.",
        see="veto",
    ),
    Term(
        "confidence",
        "Confidence",
        "How firmly the sources settle a score: high (primary sources), medium (informed "
        "reporting or analysis) or low (an inference the sources only suggest).",
        see="ranges",
    ),
    Term(
        "decision-path",
        "Decision path",
        "The steps an option must pass, in order: at each one a body (a government, a council, "
        "a parliament) must agree under its voting rule.",
        see="veto",
    ),
    Term(
        "hypothesis",
        "Hypothesis",
        "A “what if”: a stance assumed for a stakeholder, or a legal condition switched off, to "
        "see how the veto analysis would change. The recorded data does not change.",
        see="hypotheses",
    ),
    Term(
        "majority",
        "Majority, two thirds",
        "Voting rules under which a decision passes when enough members agree: more than half, "
        "two thirds, or a fixed number of votes. No single member can block it alone.",
        see="votes",
    ),
    Term(
        "nac",
        "NAC",
        "NATO's principal political decision-making body, in which every member state is "
        "represented. It decides by consensus, so any one member can stop "
        "a decision.",
        expansion="North Atlantic Council",
    ),
    Term(
        "qmv",
        "QMV",
        "When the Council of the European Union acts on a proposal "
        "from the Commission, a qualified majority is at least 55 % of the member states, "
        "representing at least 65 % of the EU's population (Article 16(4) TEU); a blocking "
        "minority needs at least four member states.",
        expansion="qualified majority voting",
        see="votes",
    ),
    Term(
        "range",
        "Range",
        "The lowest and highest value a score could take where the evidence allows more than "
        "one reading, for example 2 (range 1–3).",
        see="ranges",
    ),
    Term(
        "route",
        "Route",
        "One way an option can be decided: a sequence of decision steps that must all pass. "
        "When an option has several routes, any one of them suffices, and its veto status is "
        "that of its best route.",
        see="routes",
    ),
    Term(
        "sensitivity",
        "Sensitivity",
        "The smallest change to a single weight that would hand first place to another option. "
        "A small change means the lead depends on how the criteria are weighed.",
        see="weighted-score",
    ),
    Term(
        "silent",
        "Silent veto holder",
        "A veto holder with no public stance on the option on record. The step it can veto "
        "stays uncertain until it takes one.",
        see="veto",
    ),
    Term(
        "stance",
        "Stance",
        "A stakeholder's recorded position on an option, from strongly opposes (−2) to strongly "
        "supports (+2), with its date and source. The latest one counts; earlier ones stay "
        "visible.",
        see="veto",
    ),
    Term(
        "teu",
        "TEU",
        "One of the two treaties on which the EU is founded (the other is the Treaty on the "
        "Functioning of the European Union). Its Article 49 sets out how a European state "
        "applies to join; its Article 42(7) obliges the member states to give aid and "
        "assistance by all the means in their power to a member state that is the victim of "
        "armed aggression on its territory.",
        expansion="Treaty on European Union",
    ),
    _status(VetoStatus.UNCERTAIN),
    Term(
        "unanimity",
        "Unanimity",
        "A voting rule under which every member of the deciding body must agree, so each member "
        "holds a veto.",
        see="veto",
    ),
    Term(
        "veto-holder",
        "Veto holder",
        "A stakeholder whose agreement a decision step needs: under unanimity every member of "
        "the deciding body; under a veto-members rule only the members listed, as the five "
        "permanent members of the UN Security Council are. Its opposition alone blocks the "
        "step.",
        see="veto",
    ),
    Term(
        "veto-members",
        "Veto members",
        "A voting rule under which only some members of a body hold a veto, as the five "
        "permanent members do in the UN Security Council.",
        see="veto",
    ),
    Term(
        "weighted-score",
        "Weighted score",
        "An option's scores on the criteria averaged with the weights the reader chose, each "
        "criterion turned so that higher is better; out of 5.",
        see="weighted-score",
    ),
)
GLOSSARY: dict[str, Term] = {t.slug: t for t in TERMS}
# A step's voting rule, as the decision path names it, to the entry that explains it.
RULE_TERMS: dict[str, str] = {
    "unanimity": "unanimity",
    "veto-members": "veto-members",
    "majority": "majority",
    "two-thirds": "majority",
    "coalition": "coalition",
    "majority-members": "majority",
    "majority-present": "majority",
    "two-thirds-present": "majority",
    "fixed": "majority",
    "qualified-majority": "qmv",
}

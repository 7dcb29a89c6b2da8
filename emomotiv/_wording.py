"""How the analysis names its 0/1 outcome in sentences: the words of
connection, or the outcome's own label.

The library's functions take any 0/1 outcome and call it connection;
:func:`~emomotiv.analyze` words its sentences (summary.json's notes and
warnings) with :func:`in_outcome_words`, and the report and the console
name the outcome with :func:`outcome_words`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# the words of a 0/1 outcome that is emotional connection (the sample's
# ``connected``), and of a score outcome's connection by the motivators
CONNECTION_WORDS = {
    "title": "Emotional connection drivers",
    "topic": "emotional connection",
    "share": "the connected share",
    "Share": "Connected share",
    "customer": "connected customer",
    "a_customer": "a connected customer",
    "A_customer": "An emotionally connected customer",
    "customers_are": "Fully connected customers are",
    "not": "who is not connected",
    "gain": "connected customers",
    "add": "connected customers",
    "header": "Connected",
    "through": "connection",
    "builds": "what builds connection",
    "more": "more connection",
    "less": "less connection",
    "feeling": "feeling connected",
    "connected": "connected",
}


def in_outcome_words(text: Any, words: Mapping[str, str]) -> Any:
    """A sentence of the analysis that speaks of value "through connection"
    (the plan's note, the value model's warning) in an outcome's ``words``
    (:func:`outcome_words`): the library's functions take any 0/1 outcome
    and name it connection; :func:`~emomotiv.analyze` names it as the run
    does in the summary's sentences, with the report's quotes, which the
    console's ``words`` turn into its own.

    Examples
    --------
    >>> in_outcome_words("1 touchpoint would add less value through connection "
    ...                  "than it costs", outcome_words("Top-box satisfied"))
    '1 touchpoint would add less value through “Top-box satisfied” than it costs'
    >>> in_outcome_words("value through “a promoter”",
    ...                  outcome_words("a promoter", quotes='""'))
    'value through "a promoter"'
    """
    through = words["through"]
    if not isinstance(text, str) or through == CONNECTION_WORDS["through"]:
        return text
    text = text.replace("through connection", f"through {through}")
    return text.replace(f"through “{through[1:-1]}”", f"through {through}")


def speaks_of_connection(label: str | None) -> bool:
    """Whether an outcome's label names emotional connection ("connected",
    "emotionally connected"): such an outcome keeps the words of connection.

    Examples
    --------
    >>> speaks_of_connection("emotionally connected")
    True
    >>> speaks_of_connection("a promoter")
    False
    """
    return label is None or "connect" in str(label).casefold()


def outcome_words(
    label: str | None, quotes: str = "“”", *, score: bool = False
) -> dict[str, str]:
    """How the report and the console name an outcome in their sentences.

    An outcome whose label speaks of connection (:func:`speaks_of_connection`,
    or no label at all) keeps the words of connection ("the connected
    share"); any other 0/1 outcome is named by its label, quoted where it
    stands as a noun, so that an adjective ("Very satisfied overall") reads
    as well as a noun ("a promoter"). A ``score`` outcome's connected
    customers are the motivators', in the words of connection; the value
    that travels through the score is named by its label ("value through
    “recommend”"). ``quotes`` are the opening and closing marks (the
    console's are straight).

    Examples
    --------
    >>> words = outcome_words("Very satisfied overall")
    >>> words["share"], words["customer"]
    ('the “Very satisfied overall” share', 'customer who is “Very satisfied overall”')
    >>> outcome_words("a promoter", quotes='""')["a_customer"]
    'a customer who is "a promoter"'
    >>> outcome_words("emotionally connected")["share"]
    'the connected share'
    >>> words = outcome_words("recommend", score=True)
    >>> words["share"], words["through"]
    ('the connected share', '“recommend”')
    """
    if speaks_of_connection(label):
        return dict(CONNECTION_WORDS)
    q = f"{quotes[0]}{label}{quotes[-1]}"
    if score:
        return CONNECTION_WORDS | {"through": q}
    return {
        "title": f"Drivers of {q}",
        "topic": q,
        "share": f"the {q} share",
        "Share": f"{q} share",
        "customer": f"customer who is {q}",
        "a_customer": f"a customer who is {q}",
        "A_customer": f"A customer who is {q}",
        "customers_are": f"Customers who are {q} are",
        "not": "who is not",
        "gain": f"in the {q} share",
        "add": f"to the {q} share",
        "header": f"{q} share",
        "through": q,
        "builds": f"what drives {q}",
        "more": f"higher {q}",
        "less": f"lower {q}",
        "feeling": f"being {q}",
        "connected": q,
    }

"""``prepare``: turn agency records into the normalised columns the model compares and blocks on."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .dates import PartialDate, parse_date, parse_partial_date
from .errors import LinkageInputError
from .normalise import (
    address_number,
    address_numbers,
    address_street,
    address_tokens,
    canonical_forename,
    family_name_parts,
    forename_aliases,
    normalise_address,
    normalise_forename,
    normalise_nhs_number,
    normalise_sex,
    normalise_surname,
    normalise_text,
    normalise_upn,
    phonetic,
    postcode_parts,
)

__all__ = ["INPUT_COLUMNS", "PREPARED_COLUMNS", "normalise_record", "prepare", "to_polars"]

#: Columns ``prepare`` reads; all but ``unique_id`` are optional.
INPUT_COLUMNS: tuple[str, ...] = (
    "unique_id", "source", "given_name", "family_name", "date_of_birth", "sex", "postcode", "address", "town",
    "nhs_number", "upn", "police_id",
)  # fmt: skip

_STR = pa.string()
_LIST = pa.list_(pa.string())
_INT = pa.int32()
#: Columns of a prepared table (``extra_<name>`` columns may follow).
PREPARED_COLUMNS: dict[str, pa.DataType] = {
    "unique_id": _STR,
    "source": _STR,
    "given_name": _STR,
    "given_name_canon": _STR,
    "given_name_aliases": _LIST,
    "given_name_mp": _STR,
    "given_initial": _STR,
    "family_name": _STR,
    "family_name_parts": _LIST,
    "family_name_mp": _STR,
    "family_initial": _STR,
    "name_sorted": _STR,
    "name_min": _STR,
    "name_max": _STR,
    "dob": _STR,
    "dob_year": _INT,
    "dob_month": _INT,
    "dob_day": _INT,
    "dob_days": _INT,
    "dob_digits": _STR,
    "sex": _STR,
    "postcode": _STR,
    "postcode_sector": _STR,
    "postcode_district": _STR,
    "address": _STR,
    "address_tokens": _LIST,
    "address_number": _STR,
    "address_numbers": _LIST,
    "address_street": _STR,
    "address_street_sorted": _STR,
    "town": _STR,
    "nhs_number": _STR,
    "upn": _STR,
    "police_id": _STR,
}
_EPOCH = dt.date(1970, 1, 1)
_EXTRA_NAME = re.compile(r"[^a-z0-9_]+")


def extra_column_name(name: str) -> str:
    """``"School Name"`` -> ``"extra_school_name"``."""
    return "extra_" + _EXTRA_NAME.sub("_", name.strip().lower()).strip("_")


def to_polars(frame: Any):
    """Accept a polars/pandas frame, a pyarrow table or a list of dicts; return a polars DataFrame."""
    import polars as pl

    if isinstance(frame, pl.DataFrame):
        return frame
    if isinstance(frame, pa.Table):
        return pl.from_arrow(frame)
    if hasattr(frame, "to_dict") and hasattr(frame, "columns") and hasattr(frame, "dtypes"):  # pandas
        return pl.from_pandas(frame)
    if isinstance(frame, Iterable):
        rows = list(frame)
        return pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame({"unique_id": []})
    raise LinkageInputError(f"prepare() needs a DataFrame, pyarrow Table or list of dicts, not {type(frame).__name__}")


def _blank_to_none(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from pandas
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _mapped(values: Sequence[object], fn: Callable[[Any], Any]) -> list[Any]:
    cache: dict[object, Any] = {}
    out = []
    for v in values:
        if v is None:
            out.append(fn(None))
            continue
        try:
            out.append(cache[v])
        except KeyError:
            cache[v] = result = fn(v)
            out.append(result)
        except TypeError:  # unhashable
            out.append(fn(v))
    return out


def _date_or_digits(value: object) -> dt.date | PartialDate | None:
    """A date; else, for a value shaped like a date but not one (``19450493``), its digits; else ``None``."""
    if isinstance(value, PartialDate):
        return value
    return parse_date(value) or parse_partial_date(value)


def _forename_features(name: str | None) -> tuple[str | None, list[str] | None, str | None]:
    if not name:
        return None, None, None
    return canonical_forename(name), forename_aliases(name), phonetic(name)


def _address_features(address: str | None) -> tuple[Any, ...]:
    """tokens, number, numbers, street, sorted street (one call per distinct address)."""
    if not address:
        return None, None, None, None, None
    return (address_tokens(address) or None, address_number(address), address_numbers(address) or None,
            *address_street(address))


def _dob_features(value: object) -> tuple[Any, ...]:
    """dob (ISO), year, month, day, days since 1970, digits as written (one call per distinct value)."""
    written = _date_or_digits(value)
    if written is None:
        return None, None, None, None, None, None
    if isinstance(written, PartialDate):
        return None, None, None, None, None, written.digits()
    return (written.isoformat(), written.year, written.month, written.day, (written - _EPOCH).days,
            written.strftime("%Y%m%d"))


_DISTINCT_BATCH = 50_000
_DOB_TYPES = (_STR, _INT, _INT, _INT, _INT, _STR)
_DOB_COLUMNS = ("dob", "dob_year", "dob_month", "dob_day", "dob_days", "dob_digits")
_ADDRESS_TYPES = (_LIST, _STR, _LIST, _STR, _STR)
_ADDRESS_COLUMNS = ("address_tokens", "address_number", "address_numbers", "address_street", "address_street_sorted")


def _string(array: pa.Array) -> pa.Array:
    return array if array.type == pa.string() else pc.cast(array, pa.string())


def _per_distinct(array: pa.Array, fn: Callable[[Any], Any], types: Sequence[pa.DataType]) -> list[pa.Array]:
    """``fn`` (returning one value per type) applied once per distinct value of ``array``, spread back to every row."""
    encoded = pc.dictionary_encode(array)
    distinct = encoded.dictionary
    parts: list[list[pa.Array]] = [[] for _ in types]
    for start in range(0, len(distinct), _DISTINCT_BATCH):  # bounded Python objects however many distinct values
        results = [fn(_blank_to_none(v)) for v in distinct.slice(start, _DISTINCT_BATCH).to_pylist()]
        if len(types) == 1:
            results = [(r,) for r in results]
        for i, kind in enumerate(types):
            parts[i].append(pa.array([r[i] for r in results], type=kind))
        del results
    out = []
    for i, kind in enumerate(types):
        values = pa.concat_arrays(parts[i]) if parts[i] else pa.array([], type=kind)
        null = fn(None) if len(types) == 1 else fn(None)[i]
        taken = values.take(encoded.indices)
        if null is not None and taken.null_count:  # a missing input still yields a value (not used by our functions)
            taken = pc.fill_null(taken, pa.scalar(null, kind))
        out.append(taken)
    return out


def prepare_arrow(table: pa.Table, extra_columns: Sequence[str] = ()) -> dict[str, pa.Array]:
    """:func:`prepare_columns` for a whole table at once: each normalising function runs once per *distinct* value and
    the results are spread back to the rows by pyarrow, so a million records cost no Python work per row."""
    n = table.num_rows

    def col(name: str) -> pa.Array:
        if name not in table.column_names:
            return pa.nulls(n, pa.string())
        array = table[name].combine_chunks()
        if pa.types.is_large_string(array.type) or pa.types.is_string_view(array.type):
            array = pc.cast(array, pa.string())
        return array

    def one(array: pa.Array, fn: Callable[[Any], Any], kind: pa.DataType = _STR) -> pa.Array:
        return _per_distinct(array, fn, (kind,))[0]

    def text(name: str) -> pa.Array:
        values = _string(col(name))
        return pc.if_else(pc.equal(pc.utf8_trim_whitespace(values), ""), pa.scalar(None, pa.string()), values)

    out: dict[str, pa.Array] = {"unique_id": text("unique_id"), "source": text("source")}
    given = one(col("given_name"), normalise_forename)
    out["given_name"] = given
    for name, values in zip(("given_name_canon", "given_name_aliases", "given_name_mp"),
                            _per_distinct(given, _forename_features, (_STR, _LIST, _STR)), strict=True):
        out[name] = values
    out["given_initial"] = pc.utf8_slice_codeunits(given, 0, 1)
    raw_family = col("family_name")
    family = one(raw_family, normalise_surname)
    out["family_name"] = family
    out["family_name_parts"] = one(raw_family, lambda v: family_name_parts(v) or None, _LIST)
    out["family_name_mp"] = one(family, phonetic)
    out["family_initial"] = pc.utf8_slice_codeunits(family, 0, 1)
    low = pc.if_else(pc.less_equal(given, family), given, family)
    high = pc.if_else(pc.less_equal(given, family), family, given)
    out["name_sorted"] = pc.binary_join_element_wise(low, high, " ")
    out["name_min"], out["name_max"] = low, high
    for name, values in zip(_DOB_COLUMNS, _per_distinct(col("date_of_birth"), _dob_features, _DOB_TYPES), strict=True):
        out[name] = values
    out["sex"] = one(col("sex"), normalise_sex)
    postcodes = _per_distinct(col("postcode"), postcode_parts, (_STR, _STR, _STR))
    out["postcode"], out["postcode_sector"], out["postcode_district"] = postcodes
    address = one(col("address"), normalise_address)
    out["address"] = address
    for name, values in zip(_ADDRESS_COLUMNS, _per_distinct(address, _address_features, _ADDRESS_TYPES), strict=True):
        out[name] = values
    out["town"] = one(col("town"), normalise_text)
    out["nhs_number"] = one(col("nhs_number"), normalise_nhs_number)
    out["upn"] = one(col("upn"), normalise_upn)
    out["police_id"] = one(col("police_id"), normalise_upn)
    for name in extra_columns:
        out[extra_column_name(name)] = one(col(name), normalise_text)
    return out


def prepare_columns(columns: Mapping[str, Sequence[object]], n: int, extra_columns: Sequence[str] = ()) -> dict:
    """The shared core of :func:`prepare` and :func:`normalise_record`: input columns -> prepared columns."""

    def col(name: str) -> list[object]:
        values = columns.get(name)
        return [None] * n if values is None else [_blank_to_none(v) for v in values]

    out: dict[str, list[Any]] = {}
    out["unique_id"] = [None if v is None else str(v) for v in col("unique_id")]
    out["source"] = [None if v is None else str(v) for v in col("source")]

    given = _mapped(col("given_name"), normalise_forename)
    out["given_name"] = given
    forenames = _mapped(given, _forename_features)
    out["given_name_canon"] = [f[0] for f in forenames]
    out["given_name_aliases"] = [f[1] for f in forenames]
    out["given_name_mp"] = [f[2] for f in forenames]
    out["given_initial"] = [g[0] if g else None for g in given]

    raw_family = col("family_name")
    family = _mapped(raw_family, normalise_surname)
    out["family_name"] = family
    parts = _mapped(raw_family, lambda v: tuple(family_name_parts(v)))
    out["family_name_parts"] = [list(p) if p else None for p in parts]
    out["family_name_mp"] = _mapped(family, phonetic)
    out["family_initial"] = [f[0] if f else None for f in family]
    out["name_sorted"] = [" ".join(sorted((g, f))) if g and f else None for g, f in zip(given, family, strict=True)]
    # The alphabetically first and last of forename and surname, for blocking on names typed in the other field
    # ("hannah mihal" / "mihal hannsh" share name_max).
    out["name_min"] = [min(g, f) if g and f else None for g, f in zip(given, family, strict=True)]
    out["name_max"] = [max(g, f) if g and f else None for g, f in zip(given, family, strict=True)]

    dobs = _mapped(col("date_of_birth"), _dob_features)
    # ``dob_digits`` (YYYYMMDD as written) is what the date of birth comparison reads, so a day 93 still lets the year
    # and month count; the other dob columns hold real dates only.
    for i, name in enumerate(_DOB_COLUMNS):
        out[name] = [d[i] for d in dobs]

    out["sex"] = _mapped(col("sex"), normalise_sex)
    pcs = _mapped(col("postcode"), postcode_parts)
    out["postcode"] = [p[0] for p in pcs]
    out["postcode_sector"] = [p[1] for p in pcs]
    out["postcode_district"] = [p[2] for p in pcs]
    address = _mapped(col("address"), normalise_address)
    out["address"] = address
    features = _mapped(address, _address_features)
    for i, name in enumerate(("address_tokens", "address_number", "address_numbers", "address_street",
                              "address_street_sorted")):
        out[name] = [f[i] for f in features]
    out["town"] = _mapped(col("town"), normalise_text)
    out["nhs_number"] = _mapped(col("nhs_number"), normalise_nhs_number)
    out["upn"] = _mapped(col("upn"), normalise_upn)
    out["police_id"] = _mapped(col("police_id"), normalise_upn)
    for name in extra_columns:
        out[extra_column_name(name)] = _mapped(col(name), normalise_text)
    return out


def _checked_table(out: Mapping[str, Any], start: int) -> pa.Table:
    schema = pa.schema([(name, PREPARED_COLUMNS.get(name, _STR)) for name in out])
    table = pa.table(dict(out), schema=schema)
    if table["unique_id"].null_count:
        blank = table["unique_id"].is_null().to_pylist().index(True)
        raise LinkageInputError(f"unique_id must not be blank (row {start + blank + 1})")
    return table


def prepare(frame: Any, *, extra_columns: Sequence[str] = (), chunk_size: int = 100_000) -> pa.Table:
    """Normalise records for linkage; returns a pyarrow Table with :data:`PREPARED_COLUMNS`.

    ``frame`` is a polars or pandas DataFrame, a pyarrow Table or a list of dicts with any of
    :data:`INPUT_COLUMNS` (only ``unique_id`` is required; ``date_of_birth`` may be a ``date`` or an
    ISO/UK date string). ``extra_columns`` are further columns compared as exact matches, stored as
    ``extra_<name>``. Raises :class:`LinkageInputError` for a missing or repeated ``unique_id``.
    A DataFrame or Table is normalised a column at a time, each function once per distinct value; a list of dicts
    ``chunk_size`` records at a time, so Python objects for a million records never coexist.
    """
    wanted = (*INPUT_COLUMNS, *extra_columns)
    rows = isinstance(frame, list | tuple) and all(isinstance(row, Mapping) for row in frame)
    if rows:
        present = {key for row in frame for key in row}
        n = len(frame)
    else:
        df = to_polars(frame)
        present, n = set(df.columns), df.height
    if "unique_id" not in present:
        raise LinkageInputError("prepare() needs a 'unique_id' column")
    missing = [c for c in extra_columns if c not in present]
    if missing:
        raise LinkageInputError(f"extra column(s) not in the input: {', '.join(missing)}")
    chunks = []
    if not rows:  # columnar input: normalised column by column, once per distinct value
        source = frame if isinstance(frame, pa.Table) else df.to_arrow()
        out = prepare_arrow(source.select([c for c in wanted if c in present]), extra_columns)
        chunks.append(_checked_table(out, 0))
        del out
        pa.default_memory_pool().release_unused()  # hand intermediate buffers back to the system
    for start in range(0, max(n, 1), chunk_size) if rows else ():
        part = frame[start:start + chunk_size]
        columns = {name: [row.get(name) for row in part] for name in wanted if name in present}
        out = prepare_columns(columns, len(part), extra_columns)
        del columns
        chunks.append(_checked_table(out, start))
        del out
    table = pa.concat_tables(chunks) if len(chunks) > 1 else chunks[0]
    if pc.count_distinct(table["unique_id"]).as_py() != n:
        ids = table["unique_id"]
        counts = pc.value_counts(ids)
        dupes = sorted(v["values"].as_py() for v in counts if v["counts"].as_py() > 1)
        raise LinkageInputError(f"unique_id values must be unique; repeated: {', '.join(dupes[:5])}")
    return table


def normalise_record(record: Mapping[str, object], extra_columns: Sequence[str] = ()) -> dict[str, Any]:
    """:func:`prepare` for one record (a dict of input columns), as a dict of prepared columns.

    A record that is already prepared (has ``given_name_aliases``) is returned unchanged.
    """
    if "given_name_aliases" in record:
        return dict(record)
    columns = {name: [record.get(name)] for name in (*INPUT_COLUMNS, *extra_columns)}
    if "unique_id" not in record:
        columns["unique_id"] = [""]
    out = prepare_columns(columns, 1, extra_columns)
    return {name: values[0] for name, values in out.items()}

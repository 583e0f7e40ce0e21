"""The three kinds of file: their fields, the headers each field is known by (en, pl, ru), the words for their
statuses, and how a row becomes a participant, an order or a code through the feature's own upsert.

A row's cells are first read the local way (numbers, dates, status words: :mod:`helpdesk.imports.values`),
then checked by the same rules as the API (``clean_participant_fields``, ``clean_order``, ``clean_code``) and
written in chunks by the same batch upserts (``apply_participants``, ``apply_orders``, ``apply_codes``).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from helpdesk.codes.models import CodeStatus
from helpdesk.codes.services import apply_codes, clean_code, clean_value, code_key
from helpdesk.folding import fold
from helpdesk.imports import values
from helpdesk.participants.services import PARTICIPANT_FIELDS, apply_participants, clean_participant_fields
from helpdesk.rewards.models import OrderStatus, RewardType
from helpdesk.rewards.orders import BatchCheck, apply_orders
from helpdesk.validation import FieldErrors, FirstSeen

_NOT_LETTERS = re.compile(r"[\W_]+", re.UNICODE)


@lru_cache(maxsize=4096)  # status words repeat on every row
def header_key(name: str) -> str:
    """A header or status word as compared: folded, letters and digits only ("Nr zamówienia" -> "nrzamowienia")."""
    return _NOT_LETTERS.sub("", fold(str(name)))


@dataclass(eq=False)  # hashed by identity, for the cache of its words
class Kind:
    name: str
    label: object
    key: str  # the field a record is matched by
    fields: tuple[str, ...]  # every field, the key first
    creates_with: tuple[str, ...]  # what a new record needs; a file without these only updates
    headers: dict[str, tuple[str, ...]]
    choices: dict[str, tuple[type, dict[str, tuple[str, ...]]]] = field(default_factory=dict)
    numbers: tuple[str, ...] = ()
    moments: tuple[str, ...] = ()
    days: tuple[str, ...] = ()
    make_checker: Callable = None
    write: Callable = None
    saved_fields: Callable = dict  # a checked item as {field: value to save}, for the preview

    def recognise(self) -> dict[str, str]:
        """header key -> field."""
        return {header_key(name): name_field for name_field, names in self.headers.items()
                for name in (name_field, *names)}

    def known_value(self, field_name: str, raw) -> str | None:
        """The choice a status word stands for (``Wysłane`` -> ``shipped``), or None."""
        return self._words()[field_name].get(header_key(raw))

    @cache  # noqa: B019  (the kinds are module constants)
    def _words(self) -> dict[str, dict[str, str]]:
        """Per choice field: word key -> value, the values themselves included."""
        return {name: {header_key(word): member.value for member in enum_class
                       for word in (member.value, *words.get(member.value, ()))}
                for name, (enum_class, words) in self.choices.items()}

    def read_cells(self, raw: dict, timezone: str, value_map: dict[str, dict[str, str]]) -> dict:
        """A row's mapped cells read the local way, ready for the feature's own checks."""
        data = {}
        for name, cell in raw.items():
            if name in self.choices and isinstance(cell, str) and cell.strip():
                mapped = value_map.get(name, {}).get(cell.strip()) or self.known_value(name, cell)
                data[name] = mapped if mapped is not None else cell
            elif name in self.numbers:
                data[name] = values.whole_number(cell)
            elif name in self.moments:
                data[name] = values.moment(cell, timezone)
            elif name in self.days:
                data[name] = values.day(cell)
            else:
                data[name] = values.text(cell)
        return data


class _Duplicates:
    """The key each row of a file gave, and where: a key given twice is rejected the second time, and a code given
    again with another status says so."""

    def __init__(self, statuses=()):
        self.first = FirstSeen()
        self.statuses = list(statuses)

    def seen(self, key: str, line: int, status=None) -> str | None:
        code = self.statuses.index(status) + 1 if status is not None else 0
        earlier = self.first.first(key, line << 3 | code)  # its line and status packed in one int
        if earlier is None:
            return None
        earlier_line, earlier_code = earlier >> 3, earlier & 7
        if code and earlier_code and code != earlier_code:
            return _("given again with another status (line %(line)s has %(status)s)", line=earlier_line,
                     status=self.statuses[earlier_code - 1])
        return _("duplicate of line %(line)s", line=earlier_line)


def _participant_checker(program, given):
    duplicates = _Duplicates()
    fields = [name for name in given if name != "external_id"]

    def check(data: dict, line: int, errors: FieldErrors):
        external_id = errors.text("external_id", data.get("external_id"), max_length=64)
        if external_id and (again := duplicates.seen(external_id, line)):
            errors.add("external_id", again)
        clean = clean_participant_fields(program, data, errors, given=fields)
        return None if errors.fields else (external_id, clean)
    return check


def _write_participants(program, items, *, actor, source, cache):
    return apply_participants(program, items, actor=actor)


def _order_checker(program, given):
    batch = BatchCheck(given=tuple(name for name in given if name != "order_ref"))

    def check(data: dict, line: int, errors: FieldErrors):
        return batch.check(data, _("line %(line)s", line=line), errors)
    return check


def _write_orders(program, items, *, actor, source, cache):
    return apply_orders(program, items, actor=actor, source=source, participant_ids=cache)


def _code_checker(program, given):
    duplicates = _Duplicates(CodeStatus)
    fields = set(given) - {"value"}

    def check(data: dict, line: int, errors: FieldErrors):
        value = clean_value(data.get("value"), errors)
        clean = clean_code(data, errors, given=fields)
        if value and (again := duplicates.seen(code_key(value), line, clean.get("status"))):
            errors.add("value", again)
        return None if errors.fields else {**clean, "value": value}
    return check


def _write_codes(program, items, *, actor, source, cache):
    return apply_codes(program, items, actor=actor, participant_ids=cache)


PARTICIPANT_HEADERS = ("participant_external_id", "participant id", "member id", "member number", "id",
                       "nr uczestnika", "id uczestnika", "numer uczestnika", "identyfikator uczestnika",
                       "номер участника", "id участника", "идентификатор участника")

PARTICIPANTS = Kind(
    name="participants", label=_l("Participants"), key="external_id",
    fields=("external_id", *PARTICIPANT_FIELDS), creates_with=("first_name",),
    headers={
        "external_id": PARTICIPANT_HEADERS,
        "first_name": ("first name", "given name", "imię", "imie", "имя"),
        "last_name": ("last name", "surname", "family name", "nazwisko", "фамилия"),
        "phone": ("phone", "phone number", "mobile", "telefon", "nr telefonu", "numer telefonu", "telefon komórkowy",
                  "телефон", "мобильный", "мобильный телефон"),
        "email": ("e-mail", "email address", "mail", "adres e-mail", "adres email", "электронная почта", "почта"),
        "locale": ("language", "język", "язык"),
        "points_balance": ("points", "balance", "points balance", "punkty", "saldo", "saldo punktów", "stan konta",
                           "баллы", "баланс", "баланс баллов"),
    },
    numbers=("points_balance",), make_checker=_participant_checker, write=_write_participants,
    saved_fields=lambda item: {**item[1], "external_id": item[0]},
)

ORDER_STATUS_WORDS = {
    "ordered": ("zamówione", "zamówiono", "złożone", "nowe", "оформлен", "заказан", "новый"),
    "processing": ("w realizacji", "realizacja", "przetwarzane", "в обработке", "обрабатывается"),
    "shipped": ("wysłane", "wysłano", "nadane", "w drodze", "отправлен", "отправлено", "в пути"),
    "delivered": ("dostarczone", "doręczone", "odebrane", "доставлен", "доставлено", "вручен"),
    "returned": ("zwrócone", "zwrot", "возвращен", "возврат"),
    "lost": ("zagubione", "utracone", "потерян", "утерян"),
    "cancelled": ("canceled", "anulowane", "anulowano", "отменен", "отменено"),
}
REWARD_TYPE_WORDS = {
    "physical": ("rzeczowa", "fizyczna", "produkt", "товар", "физическая"),
    "voucher": ("bon", "bon podarunkowy", "ваучер", "сертификат"),
    "e_code": ("e-code", "e-kod", "kod elektroniczny", "электронный код"),
}

ORDERS = Kind(
    name="orders", label=_l("Reward orders"), key="order_ref",
    fields=("order_ref", "participant_external_id", "reward_sku", "reward_name", "reward_type", "points_spent",
            "ordered_at", "status", "vendor", "carrier", "tracking_number", "expected_delivery",
            "shipping_address"),
    creates_with=("participant_external_id", "reward_sku", "reward_name", "reward_type", "points_spent",
                  "ordered_at", "status"),
    headers={
        "order_ref": ("order", "order number", "order id", "order reference", "nr zamówienia", "numer zamówienia",
                      "zamówienie", "номер заказа", "заказ"),
        "participant_external_id": PARTICIPANT_HEADERS,
        "reward_sku": ("sku", "reward code", "kod nagrody", "indeks", "indeks nagrody", "артикул", "код награды"),
        "reward_name": ("reward", "nagroda", "nazwa nagrody", "награда", "название награды"),
        "reward_type": ("type", "typ nagrody", "rodzaj nagrody", "тип награды"),
        "points_spent": ("points", "punkty", "liczba punktów", "wartość w punktach", "баллы", "списано баллов"),
        "ordered_at": ("order date", "ordered", "data zamówienia", "дата заказа"),
        "status": ("status", "stan", "status zamówienia", "статус", "статус заказа"),
        "vendor": ("supplier", "dostawca", "поставщик"),
        "carrier": ("courier", "przewoźnik", "kurier", "перевозчик", "служба доставки"),
        "tracking_number": ("tracking", "tracking no", "nr przesyłki", "numer przesyłki", "nr listu przewozowego",
                            "трек номер", "трек-номер", "номер отправления"),
        "expected_delivery": ("delivery date", "planowana dostawa", "przewidywana data dostawy",
                              "ожидаемая доставка", "дата доставки"),
        "shipping_address": ("address", "adres", "adres dostawy", "адрес", "адрес доставки"),
    },
    choices={"status": (OrderStatus, ORDER_STATUS_WORDS), "reward_type": (RewardType, REWARD_TYPE_WORDS)},
    numbers=("points_spent",), moments=("ordered_at",), days=("expected_delivery",),
    make_checker=_order_checker, write=_write_orders,
)

CODE_STATUS_WORDS = {
    "valid": ("ważny", "aktywny", "действителен", "активен", "действующий"),
    "used": ("wykorzystany", "użyty", "использован", "погашен"),
    "expired": ("wygasł", "wygasły", "przeterminowany", "истек", "просрочен"),
    "blocked": ("zablokowany", "заблокирован"),
}

CODES = Kind(
    name="codes", label=_l("Codes"), key="value",
    fields=("value", "status", "points", "participant_external_id", "used_at", "expires_at"),
    creates_with=("status",),
    headers={
        "value": ("code", "kod", "код", "код продукта", "kod produktu"),
        "status": ("status", "stan", "статус"),
        "points": ("points", "punkty", "wartość", "баллы"),
        "participant_external_id": PARTICIPANT_HEADERS,
        "used_at": ("used", "used on", "data użycia", "wykorzystano", "дата использования"),
        "expires_at": ("expires", "expiry", "valid until", "ważny do", "data ważności", "действует до",
                       "срок действия"),
    },
    choices={"status": (CodeStatus, CODE_STATUS_WORDS)},
    numbers=("points",), moments=("used_at", "expires_at"),
    make_checker=_code_checker, write=_write_codes,
)

KINDS = {kind.name: kind for kind in (PARTICIPANTS, ORDERS, CODES)}

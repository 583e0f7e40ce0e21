"""How a reply is cut: into messages of at most 1,600 characters (Twilio's limit for one message), each billed
and delivered in SMS segments. static/js/sms_counter.js counts the same way in the browser before sending."""

MAX_MESSAGE = 1600
MAX_PARTS = 3
MAX_REPLY = MAX_MESSAGE * MAX_PARTS
GSM_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
                "¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = set("^{}\\[~]|€\f")


def is_gsm(text: str) -> bool:
    return all(char in GSM_BASIC or char in GSM_EXTENDED for char in text)


def segments(text: str) -> int:
    """SMS segments of one message: GSM-7 160 (153 when split, extension characters count two), else UCS-2
    70 (67 when split, characters beyond the BMP such as most emoji count two)."""
    if is_gsm(text):
        units, single, split = len(text) + sum(char in GSM_EXTENDED for char in text), 160, 153
    else:
        units, single, split = len(text.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else -(-units // split)


def split_reply(text: str) -> list[str]:
    """The reply as messages of at most MAX_MESSAGE characters, cut after a line or a word where there is one."""
    parts = []
    while len(text) > MAX_MESSAGE:
        window = text[:MAX_MESSAGE]
        cut = max(window.rfind("\n"), window.rfind(" "))
        cut = cut + 1 if cut > MAX_MESSAGE // 2 else MAX_MESSAGE
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*parts, text] if text else parts

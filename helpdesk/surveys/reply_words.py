"""The words the reply parser (:mod:`helpdesk.surveys.replies`) knows, in English, Polish and Russian.

All written folded (lower case, no accents; "ł" as "l"), or folded when loaded. ``VERBAL`` is the documented
table of verbal ratings and emoji: five levels, placed on each scale by ``LEVEL_FRACTION``.

Level  on 1-5  on 0-10  examples
-----  ------  -------  ----------------------------------------------------------------------
5      5       10       great, excellent, super, bardzo dobrze, świetnie, отлично, супер, 👍, 😍
4      4       8        good, fine, all good, dobrze, w porządku, хорошо, всё хорошо, неплохо, 🙂
3      3       5        ok, so so, średnio, tak sobie, нормально, так себе, 😐
2      2       2        bad, poor, słabo, kiepsko, плохо, не очень, 🙁
1      1       0        terrible, awful, fatalnie, tragedia, ужасно, очень плохо, 👎, 😡

A negation just before a phrase (or two words before, over "jestem", "very"...) turns it over: levels 4-5 and
3 become 2, levels 1-2 become 4 ("not good" is 2, "not bad" is 4).
"""

import re

# Where the five levels of a verbal rating sit on a scale: on 1-5 they are 5, 4, 3, 2, 1; on 0-10 10, 8, 5, 2, 0.
LEVEL_FRACTION = {5: 1.0, 4: 0.8, 3: 0.5, 2: 0.2, 1: 0.0}

# Verbal ratings, level 5 (top) to 1 (bottom): phrases of folded words (lower case, no accents) and emoji.
# Longer phrases win over the words in them ("bardzo dobrze" is 5, "dobrze" is 4).
VERBAL = {
    5: """excellent|great|perfect|amazing|awesome|fantastic|outstanding|superb|brilliant|wonderful|super|
          very good|very happy|very satisfied|extremely satisfied|love it|the best|top|first class|
          very helpful|five stars|recommend|highly recommend|recommended|polecam|polecam serdecznie|рекомендую|
          bardzo dobrze|bardzo dobra|bardzo dobry|bardzo dobre|swietnie|swietna|swietny|swietnie|doskonale|
          doskonala|rewelacja|rewelacyjnie|rewelacyjna|idealnie|na medal|wspaniale|fantastycznie|extra|ekstra|
          bardzo zadowolony|bardzo zadowolona|pelna satysfakcja|pelen profesjonalizm|bomba|petarda|
          wszystko super|wszystko swietnie|
          отлично|отличная|отличный|отличное|супер|прекрасно|великолепно|замечательно|очень хорошо|
          идеально|на высоте|превосходно|очень доволен|очень довольна|класс|высший балл|все отлично|
          👍|👍🏻|👍🏼|👍🏽|👍🏾|👍🏿|😀|😃|😁|😊|😍|🥰|❤|💯|👏|🤩|🙏""",
    4: """good|pretty good|quite good|nice|fine|all good|happy|satisfied|helpful|not bad|good job|
          dobrze|dobra|dobry|dobre|w porzadku|wszystko w porzadku|zadowolony|zadowolona|fajnie|niezle|
          calkiem dobrze|wszystko dobrze|wszystko ok|all ok|все ок|все ok|
          хорошо|хороший|хорошая|все хорошо|доволен|довольна|неплохо|в целом хорошо|все в порядке|
          👌|🙂""",
    3: """ok|okay|okey|average|so so|meh|alright|could be better|fair|
          srednio|tak sobie|przecietnie|moze byc|ujdzie|jako tako|okej|
          нормально|норм|так себе|средне|удовлетворительно|ок|более менее|сойдет|
          😐|😑""",
    2: """bad|poor|disappointed|unhappy|dissatisfied|not happy|not satisfied|weak|not great|mediocre|
          slabo|slaba|slaby|kiepsko|kiepska|kiepski|niedobrze|zle|nie bardzo|niezadowolony|niezadowolona|
          rozczarowany|rozczarowana|
          плохо|плохой|не очень|слабо|недоволен|недовольна|разочарован|разочарована|
          😕|🙁|☹|😞|😒|😟""",
    1: """terrible|awful|horrible|worst|very bad|useless|disgusting|never again|very poor|
          fatalnie|fatalna|fatalny|tragicznie|tragedia|beznadziejnie|beznadziejna|beznadziejny|okropnie|
          bardzo zle|bardzo slabo|dno|porazka|skandal|masakra|
          ужасно|ужасный|отвратительно|очень плохо|кошмар|хуже некуда|ужас|
          😠|😡|🤬|👎|👎🏻|👎🏼|👎🏽|👎🏾|👎🏿|💩""",
}
NEGATIONS = {"not", "isn't", "wasn't", "never", "nie", "не", "niezbyt", "no"}
# "nie jestem zadowolony", "not very good": a negation two words before, over one of these.
NEGATION_BRIDGES = {"jestem", "jest", "byl", "byla", "bylo", "am", "is", "was", "were", "are", "very", "too", "so",
                    "really", "zbyt", "za", "bardzo", "слишком", "был", "была", "было", "совсем", "that"}

# Number words on the program's own scale, and school grades (always out of 5).
NUMERALS = {
    0: "zero ноль нуль", 1: "one jeden jedna jedno один одна одно одну", 2: "two dwa dwie два две",
    3: "three trzy три", 4: "four cztery четыре", 5: "five piec пять", 6: "six szesc шесть",
    7: "seven siedem семь", 8: "eight osiem восемь", 9: "nine dziewiec девять", 10: "ten dziesiec десять",
}
GRADES = {
    1: "jedynka jedynke jedynki единица единицу единичка кол",
    2: "dwojka dwojke dwoja двойка двойку двоечка",
    3: "trojka trojke тройка тройку троечка трояк",
    4: "czworka czworke четверка четверку четверочка",
    5: "piatka piatke piateczka пятерка пятерку пятерочка",
}
NOT_A_NUMERAL_BEFORE_ONE = {"no", "any", "some", "every", "each", "the", "this", "that", "which", "other", "anyone"}

# A number followed by one of these words (folded; "2dni" too) counts or measures something: whole words, then
# the stems of inflected ones.
UNIT_AFTER = re.compile(
    r"^(?:(?:h|hrs?|x|k|zl|pln|usd|eur|euro|р|₽|\$|€|£|szt|pcs|km|kg|tys|тыс|sms|смс|am|pm|min|sec|sek|jan|feb|mar|"
    r"apr|may|jun|jul|aug|sept?|oct|nov|dec|raz|razy|times?|lat|rok|roku|dni|dnia|dzien|год|года|лет|раз|раза|"
    r"час|часа|часов|мин|сек|%)(?![^\W\d_])|minut|godz|hour|day|tydz|tygod|week|month|miesi|year|sekund|second|"
    r"мину|дн|ден|сут|недел|месяц|dolar|dollar|руб|piece|item|pacz|parcel|package|"
    r"посыл|штук|order|zamowi|заказ|call|telefon|звон|e?mail|письм|wiadomo|message|people|person|osob|человек|"
    r"styczn|lutego|marca|kwietni|maja|czerwc|lipc|sierpni|wrzesni|pazdziernik|listopad|grudni|januar|februar|"
    r"march|april|june|july|august|septemb|octob|novemb|decemb|январ|феврал|марта|апрел|мая|июн|июл|август|"
    r"сентябр|октябр|ноябр|декабр|rano|wieczor|утра|вечер|zlot)")
# Points: loyalty points counted ("5 баллов не начислили"), unless the reply is short or the number comes after
# a rating word: then they are the rating ("5 баллов", "daję 5 punktów").
POINTS = re.compile(r"^(?:балл|бал|punkt|pkt|points?|pts)")
# ... or written as an ordinal ("5th", "5-go", "5-го", "5-е").
ORDINAL = re.compile(r"^-?(?:th|st|nd|rd|go|ego|ого|го|ои|ыи|еи|и|е|ом|я)(?![^\W\d_])")
# ... or preceded by one of these words: a case or order number, a date, a price, a clock time.
MARKER_BEFORE = {
    "#", "№", "nr", "no.", "numer", "number", "case", "sprawa", "sprawy", "sprawie", "sprawe", "zamowienie",
    "zamowienia", "order", "ticket", "заказ", "заказа", "заказу", "номер", "обращение", "обращению",
    "обращения", "nr.", "tel", "at", "o", "okolo", "около", "about", "around", "до", "do", "until", "od", "от",
    "from", "$", "€", "£", "styczen", "luty", "marzec", "kwiecien", "maj", "czerwiec", "lipiec", "sierpien",
    "wrzesien", "pazdziernik", "listopad", "grudzien", "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "page", "room", "pokoj", "level", "version", "v", "top",
}
OUT_OF_WORDS = {"z", "of", "из", "na", "на"}
# A number within three words after one of these is the rating the participant gives.
CUES = {"daje", "dam", "ocena", "ocene", "oceniam", "ocenka", "give", "giving", "gave", "rate", "rating",
        "score", "say", "ставлю", "поставлю", "оценка", "оценку", "оцениваю", "даю", "na", "на"}
# Words that follow a score inside a reply ("agent 5 but courier 2", "5 dla konsultanta", "4 спасибо").
FOLLOWERS = {"bo", "because", "but", "ale", "i", "and", "a", "и", "но", "а", "потому", "так", "since", "as", "gdyz",
             "poniewaz", "ze", "for", "za", "dla", "from", "od", "от", "за", "для", "to", "out", "of", "z", "na",
             "на", "из", "plus", "minus", "thanks", "thank", "thx", "dzieki", "dziekuje", "спасибо", "благодарю",
             "pozdrawiam", "regards", "all", "everything", "wszystko", "все", "is", "jest", "это", "overall",
             "ogolnie", "в", "w", "in", "at"}
FILLER = {"thanks", "thank", "you", "thx", "ty", "dzieki", "dziekuje", "dziekujemy", "dziekuja", "serdecznie",
          "bardzo", "спасибо", "благодарю", "большое", "pozdrawiam", "pozdr", "regards", "hi", "hello", "dzien",
          "dobry", "привет", "здравствуйте", "please", "prosze", "a", "i", "and", "и", "but", "ale", "но",
          "so", "much", "many", "lot", "za", "for", "everything", "wszystko", "все", "всё", "ok", "ок", "tak",
          "yes", "да"}
DANGLING = {"ale", "but", "но", "a", "i", "and", "и", "wiec", "so", "więc", "bo", "because", "потому"}
# A text starting with one of these asks something even without "?".
QUESTION_WORDS = {"where", "when", "why", "gdzie", "kiedy", "dlaczego", "czemu", "czy", "где", "когда", "почему",
                  "зачем", "сколько"}

"""Initial crisis phrases for all 16 shipped languages.

Curators keep these in the admin (Concierge → Crisis rules): a native speaker should
review each language. Matching ignores case, accents and spacing; a trailing * matches
any ending. These are words people use when thinking of ending their life or harming
themselves; a match only raises the ticket to urgent and shows the crisis panel.
"""

from django.db import migrations

NOTE = "Shipped with the triage workspace (2026-12); to be reviewed by a native speaker."

PHRASES = {
    "en": [
        "suicid*", "kill myself", "killing myself", "end my life", "ending my life",
        "take my own life", "want to die", "wanna die", "don't want to live",
        "do not want to live", "dont want to live", "no reason to live", "better off dead",
        "self-harm", "self harm", "hurt myself", "overdose",
    ],
    "es": [
        "suicid*", "quitarme la vida", "matarme", "quiero morir*", "me quiero morir",
        "acabar con mi vida", "no quiero vivir", "no quiero seguir viviendo",
        "hacerme daño", "autolesi*",
    ],
    "pt-br": [
        "suicid*", "me matar", "tirar minha vida", "tirar a minha vida",
        "tirar a própria vida", "quero morrer", "acabar com a minha vida",
        "acabar com minha vida", "não quero mais viver", "não quero viver",
        "me machucar", "automutila*", "autolesão",
    ],
    "fr": [
        "suicid*", "me tuer", "mettre fin à mes jours", "mettre fin à ma vie",
        "en finir avec la vie", "je veux mourir", "envie de mourir",
        "plus envie de vivre", "me faire du mal", "automutil*",
    ],
    "de": [
        "suizid*", "selbstmord*", "mich umbringen", "mich umzubringen",
        "mir das Leben nehmen", "mir das Leben zu nehmen", "will sterben",
        "möchte sterben", "nicht mehr leben", "meinem Leben ein Ende",
        "selbstverletz*", "ritze mich",
    ],
    "it": [
        "suicid*", "uccidermi", "ammazzarmi", "togliermi la vita", "voglio morire",
        "farla finita", "non voglio più vivere", "farmi del male", "autolesion*",
    ],
    "nl": [
        "zelfmoord*", "suïcid*", "mezelf van kant maken", "mezelf iets aandoen",
        "mezelf doden", "wil dood", "wil niet meer leven", "een einde aan mijn leven",
        "zelfbeschadig*",
    ],
    "sv": [
        "självmord*", "ta livet av mig", "ta mitt liv", "döda mig själv", "vill dö",
        "vill inte leva", "orkar inte leva", "skada mig själv", "självskad*",
    ],
    "pl": [
        "samobój*", "zabić się", "zabiję się", "odebrać sobie życie", "chcę umrzeć",
        "nie chcę żyć", "skończyć ze sobą", "samookalecz*", "zrobić sobie krzywdę",
    ],
    "tr": [
        "intihar*", "kendimi öldür*", "canıma kıy*", "ölmek istiyorum",
        "yaşamak istemiyorum", "hayatıma son ver*", "kendime zarar ver*",
    ],
    "ar": [
        "انتحار", "انتحر", "قتل نفسي", "أنهي حياتي", "إنهاء حياتي", "أريد أن أموت",
        "أتمنى الموت", "لا أريد أن أعيش", "لا أريد العيش", "أؤذي نفسي", "إيذاء نفسي",
    ],
    "hi": [
        "आत्महत्या", "ख़ुदकुशी", "खुद को मार*", "अपनी जान ले*", "अपनी जान दे*",
        "मरना चाह*", "मर जाना चाह*", "जीना नहीं चाह*", "जीने का मन नहीं",
        "khudkushi", "aatmahatya", "atmahatya", "marna chahta", "marna chahti",
    ],
    "id": [
        "bunuh diri", "mengakhiri hidup", "ingin mati", "mau mati", "pengen mati",
        "tidak ingin hidup", "tak ingin hidup", "menyakiti diri",
    ],
    "ja": [
        "自殺", "死にたい", "しにたい", "消えたい", "自分を殺", "命を絶", "生きていたくない",
        "生きたくない", "自死", "自傷", "リストカット", "首を吊",
    ],
    "ko": [
        "자살", "죽고 싶", "목숨을 끊", "스스로 목숨", "살고 싶지 않", "살기 싫", "자해",
        "사라지고 싶",
    ],
    "zh-hans": [
        "自杀", "我想死", "好想死", "真想死", "想去死", "不想活", "结束生命",
        "结束自己的生命", "轻生", "自尽", "了结自己", "自残", "割腕",
    ],
}


def add_rules(apps, schema_editor):
    CrisisRule = apps.get_model("concierge", "CrisisRule")
    for language, phrases in PHRASES.items():
        for phrase in phrases:
            CrisisRule.objects.get_or_create(
                language=language, phrase=phrase, defaults={"notes": NOTE}
            )


def remove_rules(apps, schema_editor):
    CrisisRule = apps.get_model("concierge", "CrisisRule")
    for language, phrases in PHRASES.items():
        CrisisRule.objects.filter(language=language, phrase__in=phrases, notes=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("concierge", "0002_triage_workspace")]

    operations = [migrations.RunPython(add_rules, remove_rules)]

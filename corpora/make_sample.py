#!/usr/bin/env python3
"""Generate blazetext's own small sample corpora (deterministic, standard library only).

Every sentence is composed here from hand-written templates and word lists, so the
files carry no third-party text and can be checked in. Six topics with disjoint
vocabularies (sports, cooking, space, music, computing, medicine) make nearest
neighbours, classification and topic models easy to eyeball on a laptop.

Run from the repository root:  python3 corpora/make_sample.py
Writes (next to this script):
  sample.txt                    ~3,000 unlabelled lines, mixed topics
  sample-labelled.train/.test   fastText `__label__<topic> text`, 1,200 / 300 lines
  sample-docs.txt               1,500 documents of 3-6 sentences (topic model)
  questions-sample.txt          analogy questions (questions-words.txt format)
  similarity-sample.tsv         word1<TAB>word2<TAB>score (0-10), with header
"""

import os
import random
import re
import sys
from collections import Counter

SEED = 20261121
OUT_DIR = os.path.dirname(os.path.abspath(__file__))

# Per topic: nouns as (singular, plural); verbs as (base, 3rd person, past);
# adjectives; mass nouns (no plural); (agent, tool) pairs that always appear together;
# topic-specific templates; a number-bearing template.
TOPICS = {
    "sports": {
        "nouns": [
            ("ball", "balls"), ("goal", "goals"), ("team", "teams"), ("match", "matches"),
            ("coach", "coaches"), ("player", "players"), ("stadium", "stadiums"),
            ("striker", "strikers"), ("tournament", "tournaments"), ("league", "leagues"),
            ("trophy", "trophies"), ("penalty", "penalties"), ("jersey", "jerseys"),
            ("pitch", "pitches"), ("medal", "medals"), ("race", "races"),
            ("sprinter", "sprinters"), ("marathon", "marathons"), ("racket", "rackets"),
            ("captain", "captains"), ("athlete", "athletes"), ("champion", "champions"),
            ("defender", "defenders"), ("fan", "fans"), ("net", "nets"),
        ],
        "verbs": [
            ("score", "scores", "scored"), ("kick", "kicks", "kicked"),
            ("tackle", "tackles", "tackled"), ("defend", "defends", "defended"),
            ("dribble", "dribbles", "dribbled"), ("sprint", "sprints", "sprinted"),
            ("win", "wins", "won"), ("pass", "passes", "passed"),
            ("celebrate", "celebrates", "celebrated"), ("qualify", "qualifies", "qualified"),
            ("shoot", "shoots", "shot"),
        ],
        "adjs": ["athletic", "competitive", "offside", "undefeated", "muscular", "tactical",
                 "energetic", "defensive", "victorious", "sweaty"],
        "mass": ["stamina", "teamwork", "football", "tennis", "basketball"],
        "pairs": [("referee", "whistle"), ("batter", "bat"), ("goalkeeper", "glove")],
        "templates": [
            "The {adj} striker scored {num} goals in the second half.",
            "Our captain said the referee was unfair during the match.",
            "The fans sang in the stadium when the team won the trophy.",
            "Training for a marathon takes stamina, patience and good shoes.",
            "The goalkeeper blocked the penalty and the defenders celebrated.",
            "Tennis players need a light racket and fast feet.",
            "The coach wants more teamwork from the {adj} players.",
            "The league table changed after the {adj} champions lost at home.",
        ],
        "numeric": [
            "The match ended {d}-{d} after a late penalty.",
            "The sprinter ran the race in {sec}.{d}{d} seconds.",
            "About {thousands},000 fans filled the stadium on Saturday.",
        ],
    },
    "cooking": {
        "nouns": [
            ("recipe", "recipes"), ("oven", "ovens"), ("pan", "pans"), ("knife", "knives"),
            ("onion", "onions"), ("tomato", "tomatoes"), ("sauce", "sauces"), ("soup", "soups"),
            ("spice", "spices"), ("chef", "chefs"), ("kitchen", "kitchens"),
            ("noodle", "noodles"), ("spoon", "spoons"), ("bowl", "bowls"), ("pot", "pots"),
            ("ingredient", "ingredients"), ("dessert", "desserts"), ("cake", "cakes"),
            ("loaf", "loaves"), ("herb", "herbs"), ("apron", "aprons"), ("lemon", "lemons"),
            ("carrot", "carrots"), ("potato", "potatoes"), ("cookie", "cookies"),
        ],
        "verbs": [
            ("chop", "chops", "chopped"), ("stir", "stirs", "stirred"),
            ("bake", "bakes", "baked"), ("boil", "boils", "boiled"),
            ("simmer", "simmers", "simmered"), ("roast", "roasts", "roasted"),
            ("fry", "fries", "fried"), ("whisk", "whisks", "whisked"),
            ("knead", "kneads", "kneaded"), ("slice", "slices", "sliced"),
            ("peel", "peels", "peeled"), ("grill", "grills", "grilled"),
        ],
        "adjs": ["crispy", "savory", "delicious", "spicy", "tender", "golden", "creamy",
                 "juicy", "fragrant", "sautéed"],
        "mass": ["garlic", "butter", "flour", "sugar", "cinnamon", "basil", "purée", "dough"],
        "pairs": [("baker", "oven"), ("butcher", "cleaver"), ("barista", "grinder")],
        "templates": [
            "The chef chopped the onions and stirred the {adj} sauce.",
            "Whisk the eggs with sugar and a pinch of cinnamon.",
            "At the café they serve crème brûlée with fresh lemons.",
            "My grandmother kneads the dough by hand every Sunday.",
            "The soup simmered with garlic, basil and {adj} tomatoes.",
            "A sharp knife makes peeling potatoes much easier.",
            "The entrée was a {adj} jalapeño chicken with carrot purée.",
            "Fry the noodles in butter until they are golden and crispy.",
        ],
        "numeric": [
            "Bake the cake at {temp} degrees for {mins} minutes.",
            "The recipe needs {d}00 grams of flour and {d} spoons of sugar.",
            "Let the sauce simmer for {mins} minutes before serving {d} bowls.",
        ],
    },
    "space": {
        "nouns": [
            ("planet", "planets"), ("star", "stars"), ("galaxy", "galaxies"),
            ("rocket", "rockets"), ("orbit", "orbits"), ("astronaut", "astronauts"),
            ("moon", "moons"), ("comet", "comets"), ("asteroid", "asteroids"),
            ("satellite", "satellites"), ("nebula", "nebulae"), ("crater", "craters"),
            ("probe", "probes"), ("mission", "missions"), ("module", "modules"),
            ("meteor", "meteors"), ("eclipse", "eclipses"), ("rover", "rovers"),
            ("capsule", "capsules"), ("observatory", "observatories"),
            ("supernova", "supernovae"), ("lander", "landers"), ("cosmonaut", "cosmonauts"),
            ("spacewalk", "spacewalks"), ("booster", "boosters"),
        ],
        "verbs": [
            ("launch", "launches", "launched"), ("land", "lands", "landed"),
            ("observe", "observes", "observed"), ("explore", "explores", "explored"),
            ("dock", "docks", "docked"), ("detect", "detects", "detected"),
            ("rotate", "rotates", "rotated"), ("drift", "drifts", "drifted"),
            ("ignite", "ignites", "ignited"), ("collapse", "collapses", "collapsed"),
            ("circle", "circles", "circled"),
        ],
        "adjs": ["cosmic", "lunar", "solar", "orbital", "gravitational", "interstellar",
                 "distant", "celestial", "martian", "weightless"],
        "mass": ["gravity", "stardust", "Mars", "Jupiter", "Saturn", "Venus"],
        "pairs": [("astronomer", "telescope"), ("astronaut", "spacesuit"),
                  ("engineer", "thruster")],
        "templates": [
            "The rocket launched at dawn and reached orbit {num} minutes later.",
            "Astronomers detected a {adj} comet near Jupiter.",
            "The rover landed in a crater on Mars and explored the dust.",
            "A supernova can outshine a whole galaxy for weeks.",
            "The astronauts docked the capsule with the orbital station.",
            "Saturn has rings of ice and dozens of moons.",
            "The probe observed a {adj} nebula beyond the solar system.",
            "During the eclipse the lunar shadow drifted across the planet.",
        ],
        "numeric": [
            "The satellite circles the planet every {mins} minutes at {d}00 kilometres.",
            "The mission to Mars will take {d} months and {d} boosters.",
            "Light from that star left it {thousands} million years ago.",
        ],
    },
    "music": {
        "nouns": [
            ("guitar", "guitars"), ("drum", "drums"), ("piano", "pianos"),
            ("violin", "violins"), ("song", "songs"), ("melody", "melodies"),
            ("chord", "chords"), ("band", "bands"), ("concert", "concerts"),
            ("album", "albums"), ("singer", "singers"), ("musician", "musicians"),
            ("lyric", "lyrics"), ("rhythm", "rhythms"), ("orchestra", "orchestras"),
            ("studio", "studios"), ("microphone", "microphones"),
            ("symphony", "symphonies"), ("ballad", "ballads"), ("choir", "choirs"),
            ("saxophone", "saxophones"), ("amplifier", "amplifiers"),
            ("harmony", "harmonies"), ("chorus", "choruses"), ("cello", "cellos"),
        ],
        "verbs": [
            ("sing", "sings", "sang"), ("strum", "strums", "strummed"),
            ("compose", "composes", "composed"), ("rehearse", "rehearses", "rehearsed"),
            ("perform", "performs", "performed"), ("tune", "tunes", "tuned"),
            ("hum", "hums", "hummed"), ("improvise", "improvises", "improvised"),
            ("conduct", "conducts", "conducted"), ("harmonize", "harmonizes", "harmonized"),
        ],
        "adjs": ["melodic", "acoustic", "rhythmic", "loud", "harmonic", "catchy", "soulful",
                 "orchestral", "electric", "jazzy"],
        "mass": ["jazz", "tempo", "reverb", "vinyl", "rock"],
        "pairs": [("guitarist", "guitar"), ("drummer", "snare"), ("pianist", "piano"),
                  ("violinist", "violin")],
        "templates": [
            "The band rehearsed the new song in a small studio.",
            "She strummed a few {adj} chords on her acoustic guitar.",
            "The orchestra performed a symphony with a soulful cello solo.",
            "The singer forgot the lyrics during the second chorus.",
            "Jazz musicians improvise over a steady rhythm.",
            "The drummer kept the tempo while the choir harmonized.",
            "Their {adj} album sounds even better on vinyl.",
            "Turn down the amplifier, the concert is too loud.",
        ],
        "numeric": [
            "The song runs at {bpm} beats per minute in {d}/4 time.",
            "The band played {d}{d} songs at the concert and {d} encores.",
            "The piano has {keys} keys and the guitar has {d} strings.",
        ],
    },
    "computing": {
        "nouns": [
            ("computer", "computers"), ("server", "servers"), ("program", "programs"),
            ("database", "databases"), ("algorithm", "algorithms"),
            ("keyboard", "keyboards"), ("laptop", "laptops"), ("network", "networks"),
            ("bug", "bugs"), ("compiler", "compilers"), ("processor", "processors"),
            ("file", "files"), ("password", "passwords"), ("kernel", "kernels"),
            ("browser", "browsers"), ("function", "functions"), ("variable", "variables"),
            ("developer", "developers"), ("terminal", "terminals"), ("byte", "bytes"),
            ("thread", "threads"), ("script", "scripts"), ("router", "routers"),
            ("website", "websites"), ("cluster", "clusters"),
        ],
        "verbs": [
            ("compile", "compiles", "compiled"), ("debug", "debugs", "debugged"),
            ("install", "installs", "installed"), ("crash", "crashes", "crashed"),
            ("deploy", "deploys", "deployed"), ("encrypt", "encrypts", "encrypted"),
            ("download", "downloads", "downloaded"), ("reboot", "reboots", "rebooted"),
            ("optimize", "optimizes", "optimized"), ("refactor", "refactors", "refactored"),
            ("upload", "uploads", "uploaded"),
        ],
        "adjs": ["digital", "binary", "parallel", "virtual", "wireless", "secure",
                 "recursive", "buggy", "efficient", "open-source"],
        "mass": ["software", "code", "Linux", "bandwidth", "malware"],
        "pairs": [("programmer", "keyboard"), ("sysadmin", "terminal"),
                  ("hacker", "laptop")],
        "templates": [
            "The developer debugged the recursive function until the tests passed.",
            "Our server crashed after the kernel update, so we rebooted it.",
            "Always encrypt the database and never share your password.",
            "The compiler optimized the {adj} code for the new processor.",
            "She installed Linux on an old laptop and wrote a small script.",
            "The router dropped packets when the network was busy.",
            "We deployed the website to a cluster of virtual servers.",
            "That {adj} algorithm sorts the files in parallel threads.",
        ],
        "numeric": [
            "The server has {gb} gigabytes of memory and {d} processors.",
            "The program compiled in {d}.{d} seconds on {d} threads.",
            "The file is {d}{d}{d} bytes long after compression.",
        ],
    },
    "medicine": {
        "nouns": [
            ("doctor", "doctors"), ("nurse", "nurses"), ("patient", "patients"),
            ("hospital", "hospitals"), ("surgeon", "surgeons"), ("vaccine", "vaccines"),
            ("symptom", "symptoms"), ("fever", "fevers"), ("infection", "infections"),
            ("disease", "diseases"), ("prescription", "prescriptions"), ("pill", "pills"),
            ("clinic", "clinics"), ("diagnosis", "diagnoses"), ("therapy", "therapies"),
            ("wound", "wounds"), ("bandage", "bandages"), ("injury", "injuries"),
            ("virus", "viruses"), ("antibiotic", "antibiotics"), ("dose", "doses"),
            ("tablet", "tablets"), ("pharmacist", "pharmacists"), ("surgery", "surgeries"),
            ("ambulance", "ambulances"),
        ],
        "verbs": [
            ("diagnose", "diagnoses", "diagnosed"), ("treat", "treats", "treated"),
            ("prescribe", "prescribes", "prescribed"), ("heal", "heals", "healed"),
            ("vaccinate", "vaccinates", "vaccinated"), ("operate", "operates", "operated"),
            ("examine", "examines", "examined"), ("recover", "recovers", "recovered"),
            ("inject", "injects", "injected"), ("monitor", "monitors", "monitored"),
            ("cure", "cures", "cured"),
        ],
        "adjs": ["chronic", "medical", "clinical", "infectious", "sterile", "surgical",
                 "feverish", "healthy", "contagious", "painful"],
        "mass": ["blood", "insulin", "penicillin", "anaesthesia", "oxygen"],
        "pairs": [("surgeon", "scalpel"), ("nurse", "syringe"),
                  ("doctor", "stethoscope"), ("dentist", "drill")],
        "templates": [
            "The doctor examined the patient and prescribed antibiotics.",
            "A nurse monitored the {adj} fever through the night.",
            "The surgeon operated for hours in a sterile room.",
            "Vaccines protect children from contagious diseases.",
            "The clinic treats chronic infections with a long therapy.",
            "After the surgery the wound healed without a scar.",
            "The pharmacist explained the dose printed on the prescription.",
            "The ambulance took the injured patient to the hospital.",
        ],
        "numeric": [
            "Take {mg} milligrams of the tablet {d} times a day.",
            "The patient had a fever of {fever}.{d} degrees for {d} days.",
            "The hospital vaccinated {thousands}00 nurses in one week.",
        ],
    },
}

# Everyday words shared by all topics, so topics are separable by content words only.
TIMES = ["today", "yesterday", "last week", "this morning", "on Sunday", "in 2023",
         "every weekend", "tonight", "in the evening", "last year", "on Friday"]
OPENERS = ["Honestly,", "Well,", "Apparently", "In my opinion,", "According to my neighbour,",
           "To be fair,", "As usual,", "Surprisingly,", "Of course,"]
PEOPLE = ["my friend", "my sister", "our neighbour", "the new guy", "my uncle", "a colleague",
          "everyone", "my brother", "the teacher"]

# Generic skeletons; slots are filled from the chosen topic's lists.
GENERIC = [
    "The {adj} {n} {ved} the {n2} {time}.",
    "{opener} the {n} was really {adj} because the {ns} {ved} {time}.",
    "{person} {ved} {num} {ns} near the {n2} {time}.",
    "Why do {ns} always {v} the {n}?",
    "I think {ns} are more {adj} than {ns2}.",
    "Every morning the {agent} {v3} the {n} with the {tool}.",
    "The {agent} picked up the {tool} and {ved} the {n}.",
    "Without a {tool}, no {agent} can {v} a {adj} {n}.",
    "Do not {v} the {n} before the {n2} is {adj}!",
    "After {num} minutes, the {ns} were {adj} and {adj2}.",
    "We talked about {ns}, {ns2} and {mass} at the café {time}.",
    "{person} says {mass} makes every {n} more {adj}.",
    "There were {num} {adj} {ns} and one {adj2} {n} {time}.",
    "The {n} {v3} the {adj} {n2}, which is good news for the {ns2}.",
    "{opener} nobody expected the {ns} to {v} so many {ns2}.",
    "Can a {adj} {n} really {v} {mass}?",
    "My favourite {n} is the one that {v3} {mass} {time}.",
]

# Frequent-word misspellings for the spelling-repair demo; applied rarely.
MISSPELL = {
    "the": "teh", "because": "becuase", "really": "realy", "which": "wich",
    "people": "poeple", "their": "thier", "with": "wiht", "about": "abuot",
    "before": "befroe", "every": "evrey", "morning": "mornign", "favourite": "favourtie",
    "neighbour": "nieghbour", "always": "allways", "nobody": "nobdy",
}
MISSPELL_RATE = 0.015

NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "ten", "twelve"]


class Maker:
    def __init__(self, rng):
        self.rng = rng

    def number(self):
        r = self.rng
        return r.choice(NUMBER_WORDS) if r.random() < 0.5 else str(r.randint(2, 99))

    def fill_numeric(self, tpl):
        r = self.rng
        values = {
            "d": lambda: str(r.randint(1, 9)), "sec": lambda: str(r.randint(9, 12)),
            "thousands": lambda: str(r.randint(12, 90)),
            "temp": lambda: str(r.choice(range(160, 240, 10))),
            "mins": lambda: str(r.randint(15, 95)), "bpm": lambda: str(r.randint(70, 180)),
            "keys": lambda: "88", "gb": lambda: str(r.choice([8, 16, 32, 64, 128, 256])),
            "mg": lambda: str(r.choice([100, 200, 250, 400, 500])),
            "fever": lambda: str(r.randint(38, 40)),
        }
        return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)](), tpl)

    def sentence(self, topic):
        t = TOPICS[topic]
        r = self.rng
        roll = r.random()
        if roll < 0.15:
            text = self.fill_numeric(r.choice(t["numeric"]))
        elif roll < 0.35:
            text = r.choice(t["templates"])
            text = text.replace("{adj}", r.choice(t["adjs"])).replace("{num}", self.number())
        else:
            (n, _), (n2, _) = r.sample(t["nouns"], 2)
            (_, ns), (_, ns2) = r.sample(t["nouns"], 2)
            v, v3, ved = r.choice(t["verbs"])
            adj, adj2 = r.sample(t["adjs"], 2)
            agent, tool = r.choice(t["pairs"])
            slots = {
                "n": n, "n2": n2, "ns": ns, "ns2": ns2, "v": v, "v3": v3, "ved": ved,
                "adj": adj, "adj2": adj2, "agent": agent, "tool": tool,
                "mass": r.choice(t["mass"]), "num": self.number(), "time": r.choice(TIMES),
                "opener": r.choice(OPENERS), "person": r.choice(PEOPLE),
            }
            text = r.choice(GENERIC).format(**slots)
        return self.polish(text)

    def polish(self, text):
        # a/an agreement, sentence-initial capital, rare misspellings of frequent words.
        text = re.sub(r"\b([Aa]) (?=[aeiouAEIOU])", lambda m: m.group(1) + "n ", text)
        words = text.split(" ")
        for i, w in enumerate(words):
            key = w.lower()
            if key in MISSPELL and self.rng.random() < MISSPELL_RATE:
                bad = MISSPELL[key]
                words[i] = bad.capitalize() if w[0].isupper() else bad
        text = " ".join(words)
        return text[0].upper() + text[1:]

    def paragraph(self, topic, lo, hi):
        return " ".join(self.sentence(topic) for _ in range(self.rng.randint(lo, hi)))


def write_lines(name, lines):
    path = os.path.join(OUT_DIR, name)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line + "\n")
    os.replace(tmp, path)
    print(f"wrote {name}: {len(lines)} lines, {os.path.getsize(path)} bytes", file=sys.stderr)


def tokens(line):
    return re.findall(r"[a-zàâçéèêëîïôûùüÿñæœ-]+", line.lower())


def analogy_sections(counts):
    """Build analogy questions from relations the generator guarantees, keeping only
    words frequent enough in sample.txt to have a trained vector."""
    def frequent(*ws):
        return all(counts[w] >= 10 for w in ws)

    plural = []
    past = []
    agent_tool = []
    for name in TOPICS:
        t = TOPICS[name]
        plural += [p for p in t["nouns"][:6] if frequent(*p)][:2]
        past += [(v, ved) for v, _, ved in t["verbs"][:6] if frequent(v, ved)][:2]
        agent_tool += [p for p in t["pairs"] if frequent(*p)][:2]
    rng = random.Random(SEED + 1)
    out = []
    for section, pairs in [("gram-plural-nouns", plural), ("gram-past-tense", past),
                           ("agent-tool", agent_tool)]:
        questions = [(a, b, c, d) for (a, b) in pairs for (c, d) in pairs if a != c]
        rng.shuffle(questions)
        out.append(f": {section}")
        out += [" ".join(q) for q in sorted(questions[:16])]
    return out


# Hand-assigned relatedness (0-10): same-topic pairs high, cross-topic pairs low.
SIMILARITY = [
    ("guitar", "piano", 8.5), ("guitar", "drums", 7.8), ("song", "melody", 8.8),
    ("concert", "orchestra", 7.6), ("singer", "choir", 7.9), ("chef", "kitchen", 8.6),
    ("oven", "bake", 8.2), ("sauce", "soup", 7.4), ("garlic", "onions", 7.7),
    ("cake", "dessert", 9.0), ("rocket", "launched", 8.4), ("planet", "moon", 8.1),
    ("astronaut", "spacesuit", 8.7), ("telescope", "astronomer", 8.8),
    ("galaxy", "nebula", 8.0), ("server", "database", 7.9), ("compiler", "code", 8.3),
    ("laptop", "keyboard", 8.0), ("bug", "debugged", 8.1), ("doctor", "nurse", 8.9),
    ("surgeon", "scalpel", 8.7), ("vaccine", "infection", 7.5), ("fever", "symptom", 8.2),
    ("striker", "goals", 8.6), ("referee", "whistle", 8.4), ("stadium", "fans", 7.9),
    ("guitar", "oven", 0.8), ("rocket", "soup", 0.6), ("doctor", "guitar", 1.2),
    ("compiler", "trophy", 0.9), ("nebula", "pills", 0.7), ("striker", "database", 0.8),
    ("cake", "satellite", 0.5), ("keyboard", "piano", 4.5), ("drill", "dentist", 8.0),
    ("stamina", "marathon", 8.0),
]


def main():
    rng = random.Random(SEED)
    maker = Maker(rng)
    names = list(TOPICS)

    # sample.txt: mostly single sentences, some two-sentence paragraphs.
    sample = [maker.paragraph(rng.choice(names), 1, 1 if rng.random() < 0.8 else 2)
              for _ in range(3000)]
    write_lines("sample.txt", sample)

    # Labelled set: unique texts, balanced topics, then a held-out split with no overlap.
    seen = set()
    labelled = []
    per_topic = 250
    for name in names:
        made = 0
        while made < per_topic:
            text = maker.paragraph(name, 1, 2)
            if text in seen:
                continue
            seen.add(text)
            labelled.append((name, text))
            made += 1
    rng.shuffle(labelled)
    train, test = labelled[:1200], labelled[1200:]
    assert not {t for _, t in train} & {t for _, t in test}
    write_lines("sample-labelled.train", [f"__label__{n} {t}" for n, t in train])
    write_lines("sample-labelled.test", [f"__label__{n} {t}" for n, t in test])

    # Documents: one main topic, sometimes one sentence from a second topic (mixtures).
    docs = []
    for _ in range(1500):
        main_topic = rng.choice(names)
        sents = [maker.sentence(main_topic) for _ in range(rng.randint(3, 6))]
        if rng.random() < 0.3:
            other = rng.choice([n for n in names if n != main_topic])
            sents.insert(rng.randrange(len(sents) + 1), maker.sentence(other))
            sents = sents[:6]
        docs.append(" ".join(sents))
    write_lines("sample-docs.txt", docs)

    counts = Counter(w for line in sample for w in tokens(line))
    write_lines("questions-sample.txt", analogy_sections(counts))

    missing = [w for a, b, _ in SIMILARITY for w in (a, b) if counts[w] < 5]
    assert not missing, f"similarity words too rare in sample.txt: {missing}"
    write_lines("similarity-sample.tsv",
                ["word1\tword2\tscore"] + [f"{a}\t{b}\t{s:.1f}" for a, b, s in SIMILARITY])


if __name__ == "__main__":
    main()

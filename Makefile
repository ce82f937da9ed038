# akhbar: `make run` sets everything up and ingests seeds/; `make test` runs the whole suite.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
WAREHOUSE ?= data/warehouse.duckdb
N       ?= 10000
PIP_VERSION := 25.3

export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1

.PHONY: install postgres chromium run test e2e serve explore bench-explore bench bench-health bench-warc bench-arabic bench-arabic-ab bench-memory bench-writer bench-scale bench-extraction bench-fetch bench-dedup bench-ner score-stories train-idf train-ner lexicons lock clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	# pip 23 (Python 3.11's) mis-resolves extras (sqlalchemy[asyncio]) in --require-hashes mode: pin a newer one
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==$(PIP_VERSION)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

run: install
	$(BIN)/akhbar ingest --from sources.toml --warehouse $(WAREHOUSE)

test: install postgres chromium
	$(BIN)/python -m pytest

# The DuckLake tests start a PostgreSQL server of their own from Debian's `postgresql` binaries: as root
# (CI), install the package when it is missing; otherwise say so (those tests skip locally, fail in CI).
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	  else echo "PostgreSQL is missing (Debian: apt-get install -y postgresql): the DuckLake tests will skip"; fi; \
	fi

# The explorer's browser tests drive Debian's headless `chromium`: as root (CI), install it when it is missing;
# otherwise say so (those tests skip locally, fail in CI).
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Chromium is missing (Debian: apt-get install -y chromium): the explorer's browser tests will skip"; fi; \
	fi

# The Prefect end-to-end test alone (also part of `make test`).
e2e: install
	$(BIN)/python -m pytest tests/flows/test_e2e_prefect.py

# A local Prefect server (127.0.0.1:$PREFECT_SERVER_API_PORT, default 4200), a worker and the deployments.
serve: install
	exec $(BIN)/python -m akhbar.serve

# The explorer: a read-only web app over $(WAREHOUSE) on 127.0.0.1:$${AKHBAR_EXPLORE_PORT:-8420} (docs/explore.md).
explore: install
	$(BIN)/akhbar explore --warehouse $(WAREHOUSE)

# The explorer's pages on a warehouse of 100,000 articles (10,000 of ../shared/data/news ingested, their rows
# copied 10 times): median and 95th percentile per page over HTTP (about 6 minutes).
bench-explore: install
	$(BIN)/python bench/explore_pages.py

# 11 runs of N distinct Arabic news pages (and a rerun) in interleaved rounds: about 25 minutes at the default
# 10,000 on 2 cores; `make bench N=2000 ROUNDS=1` for 5.
bench: install
	$(BIN)/python bench/ingest_throughput.py --n $(N) $(if $(WORKERS),--workers $(WORKERS)) $(if $(ROUNDS),--rounds $(ROUNDS))

# Memory and speed of the pipeline alone over a long run (default 100,000 documents: about half an hour
# on 2 quiet cores, 17 GB of scratch corpus; `make bench-memory N=...` for another size).
bench-memory: install
	$(BIN)/python bench/memory_at_scale.py --n $(if $(filter command line,$(origin N)),$(N),100000)

# The real workload: N (default 10,000) distinct Arabic news articles of ../shared/data/news as text files, every
# enrichment on, both cores, beside the recogniser alone; writes bench/results-arabic.json (about 3 minutes).
# STORED=K stores K other articles first, unmeasured, to see the cost grow with the warehouse.
bench-arabic: install
	$(BIN)/python bench/arabic_throughput.py --n $(N) $(if $(STORED),--stored $(STORED)) $(if $(WORKERS),--workers $(WORKERS))

# This tree's pipeline against another commit's (AGAINST=<revision>) on the same N articles, in ROUNDS (default 2)
# interleaved rounds: what a change did, on a machine whose speed drifts (about 15 minutes at 10,000 on 2 cores).
bench-arabic-ab: install
	@test -n "$(AGAINST)" || { echo "make bench-arabic-ab AGAINST=<commit>: the commit to compare this tree with"; exit 2; }
	$(BIN)/python bench/arabic_ab.py --against $(AGAINST) --n $(N) $(if $(ROUNDS),--rounds $(ROUNDS))

bench-extraction: install
	$(BIN)/python bench/extraction_quality.py

bench-fetch: install
	$(BIN)/python bench/fetch_throughput.py --n 1000

# The writer's CPU per step of each batch (checkpoint, dedup, stories, enrichment...) over N documents, and
# which of them grow with the warehouse (about 2 minutes at 10,000). ARABIC=1: bench-arabic's articles, not
# pages; STORED=K: K articles stored first, unmeasured (about 20 minutes more at 90,000).
bench-writer: install
	$(BIN)/python bench/writer_costs.py --n $(N) $(if $(ARABIC),--arabic) $(if $(STORED),--stored $(STORED)) $(if $(REWRITES),--rewrites)

# What judging source health adds to a run's closing transaction, per source, over a long history (about a minute).
bench-health: install
	$(BIN)/python bench/health_cost.py

# Reading web archives: records/s and pages/s of akhbar's WARC reader against FastWARC alone and warcio alone on
# the same file, and the whole ingest of it (about 3 minutes).
bench-warc: install
	$(BIN)/python bench/warc_throughput.py

# Near-duplicate index cost per article with 10k, 100k and 1M stored signatures (about 2 minutes).
bench-dedup: install
	$(BIN)/python bench/dedup_scale.py

# Copies and stories on the hand-grouped story days (tools/devsets/story_days/): P/R/F1, ARI and B-cubed
# F1 per file, dev and held-out (about 90 seconds).
score-stories: install
	$(BIN)/python tools/score_story_days.py

# The IDF table for story terms (models/idf.tsv.gz, committed) from the news corpus in ../shared/data/news,
# without the held-out story days of tools/devsets/story_days/README.md (about 30 seconds).
HELDOUT_STORY_DAYS = 2018-06-29,2018-06-30,2018-08-09,2018-08-10
train-idf: install
	$(BIN)/python -m tasks.dedup.terms --exclude-days $(HELDOUT_STORY_DAYS)

# The Arabic NER model (models/ner.crfsuite and models/ner_lexicon.tsv.gz, committed) from ANERcorp's training
# text and the ANERgazet lists in ../shared; DEV=1 prints scores on the held-out last 15% instead, CV=5 5-fold
# scores. NEWS=1 adds the word clusters and neighbour types of the news corpus in ../shared/data/news (word2vec,
# then k-means, into bench/out/ when missing: about 5 minutes, seeded; measured, not shipped: docs/ner.md).
# Training reads PyPI packages the tagger does not need (the ner-train extra: wordfreq, gensim) and
# arabnamer's name dictionary (its data file only, so without its xgboost dependency).
train-ner: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check wordfreq==3.1.1 gensim==4.4.0
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps arabnamer==0.1.3
	$(if $(NEWS),test -f bench/out/ner-vectors.npz || $(BIN)/python -m tasks.enrich.ner.embeddings)
	$(BIN)/python -m tasks.enrich.ner.train $(if $(DEV),--dev) $(if $(CV),--cv $(CV)) $(if $(NEWS),--clusters --neighbours)

# The lexicons mined from the news corpus in ../shared/data/news (committed in tasks/enrich/lexicons/): outlet
# names agencies are read by, names the corpus writes after an outlet word and also cites bare (about 45 s);
# place names, written after a place noun often enough and mostly there; groups and brands, after تنظيم/حركة/حزب
# and شركة/موقع/تطبيق (about 30 s each); name completions (about 4 min); verb forms, the words after قد/لم/لن/سوف
# (about 10 s).
lexicons: install
	$(BIN)/python -m tasks.enrich.lexicons.outlets
	$(BIN)/python -m tasks.enrich.lexicons.places
	$(BIN)/python -m tasks.enrich.lexicons.organisations
	$(BIN)/python -m tasks.enrich.lexicons.completions
	$(BIN)/python -m tasks.enrich.lexicons.verbs

bench-ner: install
	$(BIN)/python bench/ner_speed.py

# Scale-out figures (docs/scaling.md): Dask extraction vs in-process, DuckLake+PostgreSQL writes vs the DuckDB file.
bench-scale: install postgres
	$(BIN)/python bench/scale.py

# Regenerate the lock file after editing dependencies in pyproject.toml (needs network to PyPI).
lock:
	$(PY) -m venv /tmp/akhbar-uv && /tmp/akhbar-uv/bin/pip install --quiet uv==0.13.8
	/tmp/akhbar-uv/bin/uv pip compile pyproject.toml --extra dev --extra scale --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) data .pytest_cache *.egg-info

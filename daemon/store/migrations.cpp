#include "daemon/store/migrations.hpp"

#include <fmt/format.h>
#include <stdexcept>

namespace sbc::store {
namespace {

// Append only: a released migration is never edited, a change is a new entry.
constexpr const char* k_migrations[] = {
    // 1: businesses, their knowledge (with its full-text index) and the audit log.
    R"sql(
CREATE TABLE businesses (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    whatsapp_number TEXT NOT NULL,
    owner_phone     TEXT NOT NULL,
    shared          INTEGER NOT NULL DEFAULT 0,
    paused          INTEGER NOT NULL DEFAULT 0,
    greeting        TEXT NOT NULL DEFAULT '',
    hours           TEXT NOT NULL DEFAULT '',
    timezone        TEXT NOT NULL DEFAULT 'UTC',
    fallback        TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX businesses_by_number ON businesses(whatsapp_number);

CREATE TABLE knowledge (
    id          INTEGER PRIMARY KEY,
    business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    text        TEXT NOT NULL,
    tags        TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (business_id, number)
);

-- business_id is indexed so that a search is filtered by business inside the index, not after ranking.
CREATE VIRTUAL TABLE knowledge_fts USING fts5(
    text, tags, business_id,
    content = 'knowledge', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER knowledge_fts_insert AFTER INSERT ON knowledge BEGIN
    INSERT INTO knowledge_fts(rowid, text, tags, business_id) VALUES (new.id, new.text, new.tags, new.business_id);
END;
CREATE TRIGGER knowledge_fts_delete AFTER DELETE ON knowledge BEGIN
    INSERT INTO knowledge_fts(knowledge_fts, rowid, text, tags, business_id)
        VALUES ('delete', old.id, old.text, old.tags, old.business_id);
END;
CREATE TRIGGER knowledge_fts_update AFTER UPDATE ON knowledge BEGIN
    INSERT INTO knowledge_fts(knowledge_fts, rowid, text, tags, business_id)
        VALUES ('delete', old.id, old.text, old.tags, old.business_id);
    INSERT INTO knowledge_fts(rowid, text, tags, business_id) VALUES (new.id, new.text, new.tags, new.business_id);
END;

CREATE TABLE events (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    business TEXT,
    details  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_by_business ON events(business, at);
)sql",
    // 2: the message pipeline: the message log (also the inbound dedupe key), the outbox, customers and their
    // 24-hour window and opt-out, menu choices on shared numbers, status callbacks, unanswered questions.
    R"sql(
CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    business_id   INTEGER REFERENCES businesses(id) ON DELETE SET NULL,
    direction     TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    message_sid   TEXT UNIQUE,
    customer      TEXT NOT NULL,
    our_number    TEXT NOT NULL,
    body          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    status        TEXT NOT NULL,
    error_code    INTEGER,
    error_message TEXT,
    reply_to      INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    entry_number  INTEGER,
    score         REAL,
    content_sid   TEXT,
    content_vars  TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    ambiguous     INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    sent_at       INTEGER
);
CREATE INDEX messages_by_business ON messages(business_id, id);
CREATE INDEX messages_by_customer ON messages(business_id, customer, direction, created_at);
CREATE INDEX messages_by_time ON messages(direction, created_at);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,
    after_message   INTEGER,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    ambiguous       INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

CREATE TABLE customers (
    business_id     INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    phone           TEXT NOT NULL,
    profile_name    TEXT NOT NULL DEFAULT '',
    last_inbound_at INTEGER,
    opted_out       INTEGER NOT NULL DEFAULT 0,
    rate_notice_at  INTEGER,
    PRIMARY KEY (business_id, phone)
) WITHOUT ROWID;

CREATE TABLE number_choices (
    number      TEXT NOT NULL,
    phone       TEXT NOT NULL,
    business_id INTEGER REFERENCES businesses(id) ON DELETE CASCADE,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (number, phone)
) WITHOUT ROWID;

CREATE TABLE status_events (
    message_sid TEXT NOT NULL,
    status      TEXT NOT NULL,
    error_code  INTEGER,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (message_sid, status)
) WITHOUT ROWID;

CREATE TABLE unanswered (
    id          INTEGER PRIMARY KEY,
    business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    customer    TEXT NOT NULL,
    question    TEXT NOT NULL,
    message_id  INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX unanswered_by_business ON unanswered(business_id, created_at);
)sql",
    // 3: the daemon-wide rate limit counts this hour's questions on every message; an index of
    // messages by direction, kind and time makes that an index-only range count instead of a table walk.
    R"sql(
CREATE INDEX messages_by_kind ON messages(direction, kind, created_at);
)sql",
    // 4: the business column of the full-text index holds a token no text shares ('biz' and the rowid, from a
    // view over knowledge), so that `business : "biz12"` reads that business's 100-odd postings instead of
    // every row with the number 12 in it (prices, times, addresses); the index is rebuilt from the view.
    R"sql(
DROP TRIGGER knowledge_fts_insert;
DROP TRIGGER knowledge_fts_delete;
DROP TRIGGER knowledge_fts_update;
DROP TABLE knowledge_fts;
CREATE VIEW knowledge_fts_content AS
    SELECT id, text, tags, 'biz' || business_id AS business FROM knowledge;
CREATE VIRTUAL TABLE knowledge_fts USING fts5(
    text, tags, business,
    content = 'knowledge_fts_content', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER knowledge_fts_insert AFTER INSERT ON knowledge BEGIN
    INSERT INTO knowledge_fts(rowid, text, tags, business)
        VALUES (new.id, new.text, new.tags, 'biz' || new.business_id);
END;
CREATE TRIGGER knowledge_fts_delete AFTER DELETE ON knowledge BEGIN
    INSERT INTO knowledge_fts(knowledge_fts, rowid, text, tags, business)
        VALUES ('delete', old.id, old.text, old.tags, 'biz' || old.business_id);
END;
CREATE TRIGGER knowledge_fts_update AFTER UPDATE OF text, tags, business_id ON knowledge BEGIN
    INSERT INTO knowledge_fts(knowledge_fts, rowid, text, tags, business)
        VALUES ('delete', old.id, old.text, old.tags, 'biz' || old.business_id);
    INSERT INTO knowledge_fts(rowid, text, tags, business)
        VALUES (new.id, new.text, new.tags, 'biz' || new.business_id);
END;
INSERT INTO knowledge_fts(knowledge_fts) VALUES ('rebuild');
)sql",
    // 5: LLM token accounting for `sbcctl usage`. The answer engine records one row per LLM call (business,
    // the message it answered, tokens); usage sums them per business and month.
    R"sql(
CREATE TABLE llm_usage (
    id                INTEGER PRIMARY KEY,
    business_id       INTEGER REFERENCES businesses(id) ON DELETE SET NULL,
    message_id        INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    model             TEXT NOT NULL DEFAULT '',
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
);
CREATE INDEX llm_usage_by_business ON llm_usage(business_id, created_at);
)sql",
    // 6: synonyms an owner teaches the answerer ("!synonym delivery shipping"), both words as the owner
    // typed them, lower-cased; the answerer normalises them when it reads them.
    R"sql(
CREATE TABLE synonyms (
    business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    word        TEXT NOT NULL,
    synonym     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (business_id, word, synonym)
) WITHOUT ROWID;
)sql",
    // 7: AI answers: per-business LLM settings, the answers being composed (written with the inbound message
    // so a crash resumes them), a knowledge-base version bumped by every change (the answer cache's key),
    // token usage per business.
    R"sql(
CREATE TABLE business_ai (
    business_id INTEGER PRIMARY KEY REFERENCES businesses(id) ON DELETE CASCADE,
    llm         INTEGER NOT NULL DEFAULT 0,
    tone        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE answer_jobs (
    id          INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,
    business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL
);

-- No foreign key: removing a business deletes its knowledge, whose triggers write here; the row is kept so
-- that a reused rowid never starts again at a version the answer cache may still hold.
CREATE TABLE kb_versions (
    business_id INTEGER PRIMARY KEY,
    version     INTEGER NOT NULL
);
CREATE TRIGGER kb_version_insert AFTER INSERT ON knowledge BEGIN
    INSERT INTO kb_versions(business_id, version) VALUES (new.business_id, 1)
        ON CONFLICT(business_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER kb_version_update AFTER UPDATE ON knowledge BEGIN
    INSERT INTO kb_versions(business_id, version) VALUES (new.business_id, 1)
        ON CONFLICT(business_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER kb_version_delete AFTER DELETE ON knowledge BEGIN
    INSERT INTO kb_versions(business_id, version) VALUES (old.business_id, 1)
        ON CONFLICT(business_id) DO UPDATE SET version = version + 1;
END;

CREATE TABLE ai_usage (
    business_id       INTEGER PRIMARY KEY REFERENCES businesses(id) ON DELETE CASCADE,
    calls             INTEGER NOT NULL DEFAULT 0,
    failures          INTEGER NOT NULL DEFAULT 0,
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd          REAL NOT NULL DEFAULT 0
);

-- Questions handed to the owner; an open one has a small number per business (!reply <n>, !answer <n>),
-- freed when it is closed.
CREATE TABLE handoffs (
    id          INTEGER PRIMARY KEY,
    business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    customer    TEXT NOT NULL,
    question    TEXT NOT NULL,
    message_id  INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    created_at  INTEGER NOT NULL,
    closed_at   INTEGER
);
CREATE UNIQUE INDEX handoffs_open ON handoffs(business_id, number) WHERE state = 'open';
)sql",
    // 8: customer satisfaction. A business may ask its customers to rate a conversation 1-5 once it has gone
    // quiet (off by default); each customer keeps when they last asked a question and when they were last
    // asked to rate, so that a conversation is asked about at most once; the ratings themselves.
    R"sql(
CREATE TABLE business_surveys (
    business_id INTEGER PRIMARY KEY REFERENCES businesses(id) ON DELETE CASCADE,
    enabled     INTEGER NOT NULL DEFAULT 0
);
ALTER TABLE customers ADD COLUMN last_question_at INTEGER;
ALTER TABLE customers ADD COLUMN survey_asked_at INTEGER;
ALTER TABLE customers ADD COLUMN survey_pending INTEGER NOT NULL DEFAULT 0;
CREATE INDEX customers_by_last_question ON customers(last_question_at) WHERE last_question_at IS NOT NULL;
CREATE TABLE ratings (
    id          INTEGER PRIMARY KEY,
    business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    customer    TEXT NOT NULL,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    message_id  INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    asked_at    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX ratings_by_business ON ratings(business_id, created_at);
)sql",
    // 9: embeddings of knowledge entries (openai.embedding_model): SQLite is the vector store. A vector is
    // recognisably stale when its model is not the configured one or its content_hash (of the text and tags
    // it was computed from) is not the entry's; an edit drops it at once, so the embedder's pending work is
    // "no vector for the configured model", read from this table, never kept in memory.
    R"sql(
CREATE TABLE knowledge_vectors (
    entry_id     INTEGER PRIMARY KEY REFERENCES knowledge(id) ON DELETE CASCADE,
    business_id  INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    model        TEXT NOT NULL,
    dimensions   INTEGER NOT NULL,
    content_hash INTEGER NOT NULL,
    vector       BLOB NOT NULL, -- dimensions float32 values, little-endian
    created_at   INTEGER NOT NULL
);
CREATE INDEX knowledge_vectors_business ON knowledge_vectors(business_id, model);
CREATE TRIGGER knowledge_vectors_stale AFTER UPDATE OF text, tags ON knowledge BEGIN
    DELETE FROM knowledge_vectors WHERE entry_id = new.id;
END;
)sql",
    // 10: media: one row per file a message carried, written with the message (pending) and filled in by the
    // downloader (stored, with the generated file name under <data_dir>/media, or failed with the reason);
    // each business's answer to customers' media and whether its owner is told.
    R"sql(
CREATE TABLE media (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    business_id     INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    url             TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'stored', 'failed', 'missing')),
    file            TEXT,
    bytes           INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (message_id, position)
);
CREATE INDEX media_due ON media(state, next_attempt_at);
CREATE INDEX media_by_business ON media(business_id, id);

CREATE TABLE business_media (
    business_id  INTEGER PRIMARY KEY REFERENCES businesses(id) ON DELETE CASCADE,
    reply        TEXT NOT NULL DEFAULT '',
    notify_owner INTEGER NOT NULL DEFAULT 0
);
)sql",
    // 11: attachments of knowledge entries (a menu photo sent with the answer). The file lives under
    // <data_dir>/media like downloads but belongs to the entry; token is the random part of its public URL
    // (/media/<token>.<ext>), separate from the file name so that neither reveals the other. An outbound
    // message carries the public path of what it was sent with.
    R"sql(
CREATE TABLE knowledge_attachments (
    entry_id     INTEGER PRIMARY KEY REFERENCES knowledge(id) ON DELETE CASCADE,
    business_id  INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    file         TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    bytes        INTEGER NOT NULL,
    token        TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL
);
CREATE INDEX knowledge_attachments_by_business ON knowledge_attachments(business_id);
ALTER TABLE messages ADD COLUMN media_path TEXT;
)sql",
    // 12: one ledger of provider calls. llm_usage holds a row per chat completion (a failed one too: failed,
    // no tokens) and per business's share of an embeddings request, with its estimated cost in US dollars at
    // the prices of the day; `business stats` and `usage` both read it. ai_usage, which kept running totals
    // of the same chat calls beside it, is folded in and dropped, so that no total changes:
    // - a failed call wrote a row without tokens, and ai_usage counted them: that many of the business's rows
    //   without tokens are marked failed, newest first (a success without tokens, from a provider that sends
    //   no usage, looks the same; only the count is known, and only the count is shown);
    // - calls ai_usage counted without a row (the first builds wrote no per-call rows) get a row each, dated
    //   0, before any month, so that no month's `sbcctl usage` changes;
    // - the business's newest row carries the tokens ai_usage counted beyond its rows (none when both were
    //   written together) and the cost ai_usage estimated, which the rows did not keep.
    R"sql(
ALTER TABLE llm_usage ADD COLUMN kind TEXT NOT NULL DEFAULT 'chat' CHECK (kind IN ('chat', 'embedding'));
ALTER TABLE llm_usage ADD COLUMN failed INTEGER NOT NULL DEFAULT 0 CHECK (failed IN (0, 1));
ALTER TABLE llm_usage ADD COLUMN cost_usd REAL NOT NULL DEFAULT 0;

UPDATE llm_usage SET failed = 1 WHERE id IN (
    SELECT id FROM (
        SELECT u.id, a.failures,
            ROW_NUMBER() OVER (PARTITION BY u.business_id ORDER BY u.id DESC) AS newest
        FROM llm_usage u JOIN ai_usage a ON a.business_id = u.business_id
        WHERE u.prompt_tokens = 0 AND u.completion_tokens = 0)
    WHERE newest <= failures);

CREATE TEMP TABLE usage_fold AS
SELECT a.business_id,
    a.calls - (SELECT COUNT(*) FROM llm_usage u WHERE u.business_id = a.business_id AND u.failed = 0)
        AS calls,
    a.failures - (SELECT COUNT(*) FROM llm_usage u WHERE u.business_id = a.business_id AND u.failed = 1)
        AS failures,
    MAX(0, a.prompt_tokens - (SELECT COALESCE(SUM(u.prompt_tokens), 0) FROM llm_usage u
        WHERE u.business_id = a.business_id)) AS prompt_tokens,
    MAX(0, a.completion_tokens - (SELECT COALESCE(SUM(u.completion_tokens), 0) FROM llm_usage u
        WHERE u.business_id = a.business_id)) AS completion_tokens,
    a.cost_usd
FROM ai_usage a;

WITH RECURSIVE n(i) AS (
    SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < (SELECT MAX(failures) FROM usage_fold))
INSERT INTO llm_usage(business_id, kind, failed, created_at)
    SELECT f.business_id, 'chat', 1, 0 FROM usage_fold f JOIN n ON n.i <= f.failures ORDER BY f.business_id;
WITH RECURSIVE n(i) AS (
    SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < (SELECT MAX(calls) FROM usage_fold))
INSERT INTO llm_usage(business_id, kind, failed, created_at)
    SELECT f.business_id, 'chat', 0, 0 FROM usage_fold f JOIN n ON n.i <= f.calls ORDER BY f.business_id;

UPDATE llm_usage SET
    prompt_tokens = prompt_tokens +
        (SELECT f.prompt_tokens FROM usage_fold f WHERE f.business_id = llm_usage.business_id),
    completion_tokens = completion_tokens +
        (SELECT f.completion_tokens FROM usage_fold f WHERE f.business_id = llm_usage.business_id),
    cost_usd = cost_usd + (SELECT f.cost_usd FROM usage_fold f WHERE f.business_id = llm_usage.business_id)
WHERE id IN (SELECT MAX(u.id) FROM llm_usage u JOIN usage_fold f ON f.business_id = u.business_id
             GROUP BY u.business_id);

DROP TABLE usage_fold;
DROP TABLE ai_usage;
)sql",
    // 13: the inbox, webhooks acknowledged once stored as they came and handled right after (inbox_repo.hpp).
    R"sql(
CREATE TABLE inbox (
    id           INTEGER PRIMARY KEY,
    message_sid  TEXT NOT NULL UNIQUE,
    from_number  TEXT NOT NULL,
    to_number    TEXT NOT NULL,
    body         TEXT NOT NULL,
    profile_name TEXT NOT NULL,
    num_media    INTEGER NOT NULL DEFAULT 0,
    media        TEXT,
    received_at  INTEGER NOT NULL,
    failed_at    INTEGER,
    error        TEXT
);
)sql",
};

constexpr int k_count = static_cast<int>(sizeof(k_migrations) / sizeof(k_migrations[0]));

} // namespace

int latest_schema_version() {
    return k_count;
}

int schema_version(Database& db) {
    auto stmt = db.prepare("PRAGMA user_version");
    stmt.step();
    return stmt.integer(0);
}

void migrate(Database& db, int target) {
    if (target < 0) {
        target = k_count;
    }
    if (target > k_count) {
        throw std::invalid_argument(
            fmt::format("no schema version {}: this sbcd knows versions up to {}", target, k_count));
    }
    int current = schema_version(db);
    if (current > k_count) {
        throw std::runtime_error(
            fmt::format("database {} has schema version {}, newer than this sbcd knows ({}); "
                        "run the newer sbcd or restore a backup",
                        db.path(), current, k_count));
    }
    for (int version = current + 1; version <= target; ++version) {
        Transaction tx(db);
        db.exec(k_migrations[version - 1]);
        db.exec(fmt::format("PRAGMA user_version = {}", version));
        tx.commit();
    }
}

} // namespace sbc::store

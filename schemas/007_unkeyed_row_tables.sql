-- 007: `outlet_paragraphs` and `article_terms` without primary keys. Their writers replace an article's
-- rows whole (DELETE, then INSERT of distinct rows: tasks/boilerplate.py, tasks/stories.py), so the keys
-- enforced nothing; but their indexes held every row (about 65 per article) in memory while a batch was
-- written: at 100k articles, hundreds of MB in the writing process. No query looks rows up by these keys.

CREATE TABLE outlet_paragraphs_007 (
    outlet        VARCHAR NOT NULL,
    para_hash     VARCHAR NOT NULL,
    article_id    VARCHAR NOT NULL
);
INSERT INTO outlet_paragraphs_007 SELECT outlet, para_hash, article_id FROM outlet_paragraphs;
DROP TABLE outlet_paragraphs;
ALTER TABLE outlet_paragraphs_007 RENAME TO outlet_paragraphs;

CREATE TABLE article_terms_007 (
    article_id    VARCHAR NOT NULL,
    term          VARCHAR NOT NULL,
    weight        DOUBLE NOT NULL
);
INSERT INTO article_terms_007 SELECT article_id, term, weight FROM article_terms;
DROP TABLE article_terms;
ALTER TABLE article_terms_007 RENAME TO article_terms;

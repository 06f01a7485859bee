package migrations

// Product search (services/search*.go); existing products are indexed here too.
//
// Words are found by full-text search: stemmed, name weighing more than
// description. Typo and prefix tolerance works on the vocabulary of product
// names rather than on the products: a typed word that is no word of any name
// ("hedphones", "headp") is searched as itself or one of the name words most
// like it (pg_trgm word_similarity of at least 0.6: "headphones"). Matching the
// few thousand distinct words is cheap, where checking word_similarity against
// every candidate product's name costs about 30 µs a product (800 products for
// a typo of a common word at 100,000 products).
//
// PostgreSQL: a generated tsvector of name (weight A) and description (weight
// B) under the 'english' configuration with a GIN index, for
// websearch_to_tsquery; search_words, the distinct lower-cased words of names,
// filled by statement triggers (words of deleted or renamed products stay: a
// stale word only ever adds an alternative that matches nothing more), with a
// pg_trgm GIN index; search_word_tsquery(word), the tsquery of a typed word or
// its alternatives; a price index for the price orders. pg_trgm is a trusted
// extension, but a managed PostgreSQL may still refuse to create it: the
// migration then stops and says what to ask an administrator.
//
// SQLite: two external-content FTS5 tables over products, kept in step by
// triggers: products_fts (porter stemming; diacritics kept, as PostgreSQL's
// 'english' keeps them) for the search, and products_name_words (no stemming)
// whose fts5vocab table products_name_vocab is the vocabulary of names; the
// search compares typed words with it in Go (models.WordSimilarity).
func productSearch() Migration {
	return Migration{Name: "20261215000001", Comment: "product_search", Statements: map[string][]string{
		"pg": {
			`DO $$
			BEGIN
				CREATE EXTENSION IF NOT EXISTS pg_trgm;
			EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
				RAISE EXCEPTION 'product search needs the PostgreSQL extension pg_trgm, which this database user may not create (%): '
					'ask a database administrator to run CREATE EXTENSION pg_trgm; in this database, then start the app again', SQLERRM;
			END
			$$`,
			`ALTER TABLE products ADD COLUMN search tsvector GENERATED ALWAYS AS (
				setweight(to_tsvector('english'::regconfig, name), 'A') ||
				setweight(to_tsvector('english'::regconfig, description), 'B')
			) STORED`,
			`CREATE INDEX products_search_idx ON products USING GIN (search)`,
			`CREATE INDEX products_price_idx ON products (price_cents, id)`,

			`CREATE TABLE search_words (word TEXT PRIMARY KEY)`,
			`CREATE INDEX search_words_trgm_idx ON search_words USING GIN (word gin_trgm_ops)`,
			`CREATE FUNCTION search_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				INSERT INTO search_words (word)
				SELECT DISTINCT w FROM changed_products, regexp_split_to_table(lower(name), '[^[:alnum:]]+') AS w
				WHERE char_length(w) >= 3
				ON CONFLICT DO NOTHING;
				RETURN NULL;
			END
			$$`,
			`CREATE TRIGGER products_search_words_insert AFTER INSERT ON products
				REFERENCING NEW TABLE AS changed_products FOR EACH STATEMENT EXECUTE FUNCTION search_words_add()`,
			`CREATE TRIGGER products_search_words_update AFTER UPDATE ON products
				REFERENCING NEW TABLE AS changed_products FOR EACH STATEMENT EXECUTE FUNCTION search_words_add()`,
			`INSERT INTO search_words (word)
				SELECT DISTINCT w FROM products, regexp_split_to_table(lower(name), '[^[:alnum:]]+') AS w
				WHERE char_length(w) >= 3
				ON CONFLICT DO NOTHING`,
			// The typed word (letters and digits only: models.ParseSearchText), or,
			// when no name has it, it or the five name words most like it. PL/pgSQL
			// keeps its plans; the trigram GIN index is the only way it may look
			// for similar words: the planner prices word_similarity as cheap and
			// would otherwise compute it for every word of a small vocabulary
			// (0.4 ms at 300 words, against 0.05 ms through the index).
			`CREATE FUNCTION search_word_tsquery(typed TEXT) RETURNS tsquery LANGUAGE plpgsql STABLE
				SET enable_seqscan = off SET enable_indexscan = off AS $$
			DECLARE
				w TEXT := lower(typed);
				alternatives TEXT;
			BEGIN
				IF EXISTS (SELECT 1 FROM search_words WHERE word = w) THEN
					RETURN websearch_to_tsquery('english', '"' || typed || '"');
				END IF;
				SELECT string_agg('"' || word || '"', ' or ') INTO alternatives FROM (
					SELECT word FROM search_words WHERE w <% word ORDER BY word_similarity(w, word) DESC, word LIMIT 5
				) best;
				RETURN websearch_to_tsquery('english', concat_ws(' or ', '"' || typed || '"', alternatives));
			END
			$$`,
		},
		"sqlite": {
			`CREATE VIRTUAL TABLE products_fts USING fts5(name, description,
				content='products', content_rowid='id', tokenize='porter unicode61 remove_diacritics 0')`,
			`CREATE VIRTUAL TABLE products_name_words USING fts5(name,
				content='products', content_rowid='id', tokenize='unicode61 remove_diacritics 0')`,
			`CREATE VIRTUAL TABLE products_name_vocab USING fts5vocab(products_name_words, 'row')`,
			`CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
				INSERT INTO products_fts (rowid, name, description) VALUES (new.id, new.name, new.description);
				INSERT INTO products_name_words (rowid, name) VALUES (new.id, new.name);
			END`,
			`CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN
				INSERT INTO products_fts (products_fts, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
				INSERT INTO products_name_words (products_name_words, rowid, name) VALUES ('delete', old.id, old.name);
			END`,
			`CREATE TRIGGER products_search_update AFTER UPDATE OF name, description ON products BEGIN
				INSERT INTO products_fts (products_fts, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
				INSERT INTO products_name_words (products_name_words, rowid, name) VALUES ('delete', old.id, old.name);
				INSERT INTO products_fts (rowid, name, description) VALUES (new.id, new.name, new.description);
				INSERT INTO products_name_words (rowid, name) VALUES (new.id, new.name);
			END`,
			`INSERT INTO products_fts (products_fts) VALUES ('rebuild')`,
			`INSERT INTO products_name_words (products_name_words) VALUES ('rebuild')`,
			`CREATE INDEX products_price_idx ON products (price_cents, id)`,
		},
	}}
}

package services

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// pgRankWeights are ts_rank's weights for D, C, B and A: a word in the name (A)
// counts two and a half times a word in the description (B). ts_rank rather
// than ts_rank_cd: cover density cost 3.6 µs a product for a two-word query
// here, against 0.6 µs, and in a name and a sentence or two of description
// how close the words are adds little (a phrase query asks for adjacency).
const pgRankWeights = "'{0.1, 0.2, 0.4, 1.0}'"

// pgTextMatch finds the products whose search vector (services/migrations:
// name A, description B, 'english') matches the terms, through its GIN index.
//
// The tsquery comes from websearch_to_tsquery texts that models.SearchTerms
// wrote (quoted words only, so the shopper's text is never read as operators).
// Each tolerant word of a plain query becomes search_word_tsquery(word): the
// word, or, when no product name has it, it or the five name words most like
// it (pg_trgm on the vocabulary of names).
//
// For relevance the tsquery is made once, in a subquery, and every plan is the
// same, a bitmap scan of the GIN index, whatever the words: the query runs as a
// prepared statement (queryPrepared), which saves parsing and planning it
// again, half the database's work for a query with few matches. For newest and price
// orders the plan depends on how many products match (a common word is found
// fastest by walking the order's index, a rare one through the GIN index), and
// the planner can only tell when it sees the tsquery itself: words already in
// it are constants it folds, and search_word_tsquery's result is fetched first
// and passed as a literal.
func pgTextMatch(ctx context.Context, db bun.IDB, t models.SearchTerms, sort models.ProductSort) (textMatch, error) {
	tsq, lookups := pgTSQuery(t)
	var m textMatch
	if sort == models.SortRelevance {
		// OFFSET 0 keeps the subquery whole: q.tsq is computed once, not per row.
		m.join.add("CROSS JOIN (SELECT ")
		m.join.append(tsq)
		m.join.add(" AS tsq OFFSET 0) q")
		m.where = sqlOf("p.search @@ q.tsq")
		m.rank = sqlOf("ts_rank(" + pgRankWeights + ", p.search, q.tsq)")
		m.prepared = true
		return m, nil
	}
	if lookups {
		var text string
		if err := db.NewRaw("SELECT ("+tsq.sql+")::text", tsq.args...).Scan(ctx, &text); err != nil {
			return m, err
		}
		if text == "" {
			return textMatch{none: true}, nil
		}
		tsq = sqlOf("?::tsquery", text)
	}
	m.where.add("p.search @@ ")
	m.where.append(tsq)
	// The count stops after SearchCountCap+1 matches. Told how common the words
	// are, the planner would look for them row by row in a sequential scan
	// that it expects to stop early (9 ms for "wool" at 100,000 products);
	// not told, it reads them from the GIN index.
	m.count = &textMatch{where: sqlOf("p.search @@ q.tsq")}
	m.count.join.add("CROSS JOIN (SELECT ")
	m.count.join.append(tsq)
	m.count.join.add(" AS tsq OFFSET 0) q")
	return m, nil
}

// pgWordTSQuery is search_word_tsquery(word) (services/migrations), with its
// common case, a word some product name has, written out: the function's SET
// options (which keep its look-up of similar words on the trigram index) cost
// each call more than the look-up itself, about 25 µs a word, and 96 % of the
// words of make bench's searches are words of names. Same result, same order
// of checks: the word itself when a name has it, else the function.
const pgWordTSQuery = "(CASE WHEN EXISTS (SELECT 1 FROM search_words WHERE word = lower(?::text)) " +
	"THEN websearch_to_tsquery('english', '\"' || ?::text || '\"') ELSE search_word_tsquery(?::text) END)"

// pgTSQuery is the SQL expression of the terms' tsquery; lookups says whether
// it reads the vocabulary (search_word_tsquery).
func pgTSQuery(t models.SearchTerms) (tsq sqlQuery, lookups bool) {
	var parts []string
	var args []any
	if !t.Plain() {
		parts, args = append(parts, "websearch_to_tsquery('english', ?)"), append(args, t.Websearch())
	} else {
		exact, tolerant := t.TolerantWords()
		if len(exact) > 0 {
			parts, args = append(parts, "websearch_to_tsquery('english', ?)"), append(args, models.WebsearchOf(exact))
		}
		for _, w := range tolerant {
			parts, args = append(parts, pgWordTSQuery), append(args, w, w, w)
		}
		lookups = len(tolerant) > 0
	}
	tsq.add("("+strings.Join(parts, " && ")+")", args...)
	if len(t.Exclude) > 0 {
		tsq.add(" && !!websearch_to_tsquery('english', ?)", t.ExcludedWebsearch())
	}
	return tsq, lookups
}

// queryPrepared runs a search query as a prepared statement
// (queryPreparedPG): the query's few shapes (number of words, filters) are
// each parsed and planned once per connection.
func queryPrepared(ctx context.Context, db *bun.DB, s sqlQuery) ([]searchRow, error) {
	out := make([]searchRow, 0, models.ProductsPerPage+1)
	err := queryPreparedPG(ctx, db, s, func(rows pgx.Rows) error {
		var r searchRow
		// In searchColumns' order.
		err := rows.Scan(&r.ID, &r.SellerID, &r.Name, &r.Description, &r.PriceCents, &r.CreatedAt, &r.Status, &r.UpdatedAt, &r.Stock,
			&r.Cover.Alt, &r.Cover.Width, &r.Cover.Height, &r.Cover.Variants, &r.StoreName, &r.StoreSlug, &r.Total)
		out = append(out, r)
		return err
	})
	return out, err
}

package services

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// SearchProducts returns page q.Page of the products matching q, in q's order,
// with the number of matches. Without text it lists the products that pass the
// filters.
//
// The work of one search is bounded whatever it matches: only the first
// models.SearchCountCap matches (in index order) are counted and, for
// relevance, ranked, and pages lie within them. A broad query such as "wool"
// (5 % of a 100,000-product catalogue) thus costs about what a query with 500
// matches costs, and its page says "500+ results". Newest and price orders
// take the first page of all matches from their indexes.
//
// A page past the matches is empty with Total 0 (the handler's 404). Text
// with nothing to look for ("the", "-mug", punctuation) matches nothing.
func (c *Catalog) SearchProducts(ctx context.Context, q models.ProductQuery) (models.ProductPage, error) {
	page := models.ProductPage{Number: q.Page, HasPrev: q.Page > 1}
	plan, err := c.planSearch(ctx, q)
	if err != nil || plan.none {
		return page, err
	}
	var rows []searchRow
	if db, pooled := c.db.(*bun.DB); plan.prepared && pooled { // in a transaction (WithTx), bun's way
		rows, err = queryPrepared(ctx, db, plan.query)
	} else {
		err = c.db.NewRaw(plan.query.sql, plan.query.args...).Scan(ctx, &rows)
	}
	if err != nil {
		return page, dbError("catalog: search", err)
	}
	if len(rows) == 0 {
		return page, nil
	}
	page.Total = rows[0].Total
	if page.Total > models.SearchCountCap {
		page.Total, page.TotalCapped = models.SearchCountCap, true
	}
	if len(rows) > plan.limit {
		rows = rows[:plan.limit]
		page.HasNext = q.Offset()+plan.limit < models.SearchCountCap
	}
	page.Products = make([]models.Product, len(rows))
	for i, r := range rows {
		page.Products[i] = r.card()
	}
	return page, nil
}

// searchPlan is the query that finds a page of results.
type searchPlan struct {
	none     bool // nothing can match: no query at all
	query    sqlQuery
	prepared bool // run as a prepared statement, kept per connection (PostgreSQL, relevance)
	limit    int  // products on the page at most; the query asks for one more
}

func (c *Catalog) planSearch(ctx context.Context, q models.ProductQuery) (searchPlan, error) {
	if q.Page < 1 || q.Offset() >= models.SearchCountCap || (q.HasText() && q.Terms.IsEmpty()) {
		return searchPlan{none: true}, nil
	}
	var match textMatch
	if q.HasText() {
		var err error
		if c.db.Dialect().Name().String() == "pg" {
			match, err = pgTextMatch(ctx, c.db, q.Terms, q.Sort)
		} else {
			match, err = sqliteTextMatch(ctx, c.db, q.Terms)
		}
		if err != nil {
			return searchPlan{}, dbError("catalog: search words", err)
		}
		if match.none {
			return searchPlan{none: true}, nil
		}
	}
	// The last page within the cap may be short; one more row says whether a
	// next page exists.
	plan := searchPlan{limit: min(models.ProductsPerPage, models.SearchCountCap-q.Offset())}
	if q.Sort == models.SortRelevance && q.HasText() {
		plan.query = relevanceQuery(q, match, plan.limit+1)
		plan.prepared = match.prepared
	} else {
		plan.query = orderedQuery(q, match, plan.limit+1)
	}
	return plan, nil
}

// searchRow is a product's card and the number of matches (the same on every row).
type searchRow struct {
	productCardRow
	Total int `bun:"total"`
}

// textMatch is how one database finds the products a text matches and ranks
// them: SQL fragments over the products table aliased p.
type textMatch struct {
	none     bool     // nothing can match: no query at all
	prepared bool     // the relevance query's plan does not depend on the words: prepare it
	join     sqlQuery // added after FROM products p
	where    sqlQuery // the match condition
	rank     sqlQuery // relevance: larger is better
	// count, when set, is how the capped count of an ordered query finds the
	// matches, if not as join and where do.
	count *textMatch
}

func (m textMatch) counting() textMatch {
	if m.count != nil {
		return *m.count
	}
	return m
}

// searchColumns are a result's card (productCardJoins joins the store;
// results are public, so never deleted), its stock included: a sold-out
// result says so instead of offering "Add to cart", as on the product list.
const searchColumns = "p.id, p.seller_id, p.name, p.description, p.price_cents, p.created_at, p.status, p.updated_at, p.stock, " +
	"p.cover_alt, p.cover_width, p.cover_height, p.cover_variants, " + productCardColumns

// relevanceQuery ranks the first SearchCountCap+1 matches and returns a page
// of the best, with their count: one scan of the text index that keeps only
// ids and ranks, then the page's products by primary key.
func relevanceQuery(q models.ProductQuery, m textMatch, limit int) sqlQuery {
	var s sqlBuilder
	s.add("SELECT " + searchColumns + ", r.total FROM (SELECT id, rank, count(*) OVER () AS total FROM (SELECT p.id, ")
	s.append(m.rank)
	s.add(" AS rank FROM products p ")
	matching(&s, q, m)
	s.add(" LIMIT ?) m ORDER BY rank DESC, id DESC LIMIT ? OFFSET ?) r JOIN products p ON p.id = r.id "+productCardJoins+
		" ORDER BY r.rank DESC, r.id DESC", models.SearchCountCap+1, limit, q.Offset())
	return s.query()
}

// orderedQuery returns a page in newest or price order, with the number of
// matches counted up to SearchCountCap+1.
func orderedQuery(q models.ProductQuery, m textMatch, limit int) sqlQuery {
	var s sqlBuilder
	s.add("SELECT " + searchColumns + ", (SELECT count(*) FROM (SELECT 1 FROM products p ")
	matching(&s, q, m.counting())
	s.add(" LIMIT ?) counted) AS total FROM products p "+productCardJoins+" ", models.SearchCountCap+1)
	matching(&s, q, m)
	switch q.Sort {
	case models.SortPriceAsc:
		s.add(" ORDER BY p.price_cents, p.id")
	case models.SortPriceDesc:
		s.add(" ORDER BY p.price_cents DESC, p.id DESC")
	default:
		s.add(" ORDER BY p.created_at DESC, p.id DESC")
	}
	s.add(" LIMIT ? OFFSET ?", limit, q.Offset())
	return s.query()
}

// matching writes the join and WHERE clause of the products q finds.
func matching(s *sqlBuilder, q models.ProductQuery, m textMatch) {
	s.append(m.join)
	s.add(" WHERE ")
	if m.where.sql != "" {
		s.append(m.where)
	} else {
		s.add("1 = 1")
	}
	addFilters(s, q)
}

// addFilters writes the conditions every search applies besides the text.
func addFilters(s *sqlBuilder, q models.ProductQuery) {
	s.add(" AND " + publicProducts) // no drafts, no deleted products
	if q.MinCents > 0 {
		s.add(" AND p.price_cents >= ?", q.MinCents)
	}
	if q.MaxCents > 0 {
		s.add(" AND p.price_cents <= ?", q.MaxCents)
	}
	if q.SellerID > 0 {
		s.add(" AND p.seller_id = ?", q.SellerID)
	}
}

// sqlQuery is SQL with bun's ? placeholders and their arguments, built in
// order so that each argument follows its placeholder. Arguments are never
// written into the text.
type sqlQuery struct {
	sql  string
	args []any
	// numbered: sql has PostgreSQL's $1, $2, … already, not bun's ?.
	numbered bool
}

func (s *sqlQuery) add(sql string, args ...any) {
	s.sql += sql
	s.args = append(s.args, args...)
}

func (s *sqlQuery) append(other sqlQuery) { s.add(other.sql, other.args...) }

// sqlBuilder builds a whole search query from its pieces: one growing buffer
// rather than a new string per piece (the pieces' copies were 40 % of the
// bytes a search allocated).
type sqlBuilder struct {
	sql  strings.Builder
	args []any
}

func (s *sqlBuilder) add(sql string, args ...any) {
	if s.sql.Len() == 0 {
		s.sql.Grow(2048)
		s.args = make([]any, 0, 16)
	}
	s.sql.WriteString(sql)
	s.args = append(s.args, args...)
}

func (s *sqlBuilder) append(other sqlQuery) { s.add(other.sql, other.args...) }

func (s *sqlBuilder) query() sqlQuery { return sqlQuery{sql: s.sql.String(), args: s.args} }

func sqlOf(sql string, args ...any) sqlQuery {
	var s sqlQuery
	s.add(sql, args...)
	return s
}

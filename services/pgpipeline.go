package services

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// preparedTxPG runs queries in order as one transaction sent in one round
// trip: BEGIN, each query as a statement prepared once per connection (as
// queryPreparedPG's), COMMIT, and a single Sync, then reads the answers. scan
// is called for each row of query i. The statements run one after another, so
// each sees what the ones before it wrote.
//
// pgx's Batch would send the same pipeline, but only in the connection's
// default mode, which is the simple protocol here (bun writes arguments into
// the text): every statement would be parsed and planned again.
//
// Any error means nothing was committed when it is a *pgconn.PgError (the
// server refused a statement or the commit, and the transaction is rolled
// back); after any other error (the connection, ctx) whether it committed is
// unknown.
func preparedTxPG(ctx context.Context, conn *pgx.Conn, queries []sqlQuery, scan func(i int, r pgx.Rows) error) error {
	statements := make([]*pgconn.StatementDescription, len(queries))
	params := make([]pgx.ExtendedQueryBuilder, len(queries))
	for i, q := range queries {
		sql, err := numberedPlaceholders(q)
		if err != nil {
			return err
		}
		// A round trip only the first time this connection sees sql.
		if statements[i], err = conn.Prepare(ctx, sql, sql); err != nil {
			return err
		}
		if err := params[i].Build(conn.TypeMap(), statements[i], q.args); err != nil {
			return err
		}
	}
	pg := conn.PgConn()
	p := pg.StartPipeline(ctx)
	p.SendQueryParams("BEGIN", nil, nil, nil, nil)
	for i, sd := range statements {
		p.SendQueryStatement(sd, params[i].ParamValues, params[i].ParamFormats, params[i].ResultFormats)
	}
	p.SendQueryParams("COMMIT", nil, nil, nil, nil)
	err := readTxPipeline(p, conn, len(queries), scan)
	if closeErr := p.Close(); err == nil {
		err = closeErr
	}
	if err != nil && !pg.IsClosed() && pg.TxStatus() != 'I' {
		// A refused statement left the transaction open and aborted: end it
		// before the connection goes back to the pool, or drop the connection.
		if _, rbErr := pg.Exec(ctx, "ROLLBACK").ReadAll(); rbErr != nil {
			pg.Close(ctx)
		}
	}
	var refused *pgconn.PgError
	if errors.As(err, &refused) && !pg.IsClosed() {
		// A schema change can leave a prepared statement unusable ("cached
		// plan must not change result type"): forget this group's statements,
		// so that the next group prepares them again, as pgx's statement cache
		// does for queryPreparedPG. Refused groups are rare; this costs a
		// round trip each.
		forgotten := map[string]bool{}
		for _, sd := range statements {
			if forgotten[sd.SQL] {
				continue
			}
			forgotten[sd.SQL] = true
			if conn.Deallocate(ctx, sd.SQL) != nil {
				pg.Close(ctx)
				break
			}
		}
	}
	return err
}

// readTxPipeline syncs preparedTxPG's pipeline and reads its answers in order:
// BEGIN, n statements, COMMIT, the sync. It stops at the first error; the
// pipeline's Close reads what is left.
func readTxPipeline(p *pgconn.Pipeline, conn *pgx.Conn, n int, scan func(i int, r pgx.Rows) error) error {
	if err := p.Sync(); err != nil {
		return err
	}
	next := func(scan func(pgx.Rows) error) error {
		res, err := p.GetResults()
		if err != nil {
			return err
		}
		rr, ok := res.(*pgconn.ResultReader)
		if !ok {
			return fmt.Errorf("pipeline: a statement's result expected, got %T", res)
		}
		if scan == nil {
			_, err = rr.Close()
			return err
		}
		return scanRows(pgx.RowsFromResultReader(conn.TypeMap(), rr), scan)
	}
	if err := next(nil); err != nil { // BEGIN
		return err
	}
	for i := range n {
		if err := next(func(r pgx.Rows) error { return scan(i, r) }); err != nil {
			return err
		}
	}
	if err := next(nil); err != nil { // COMMIT
		return err
	}
	res, err := p.GetResults()
	if _, ok := res.(*pgconn.PipelineSync); err == nil && !ok {
		err = fmt.Errorf("pipeline: the sync expected, got %T", res)
	}
	return err
}

CREATE TABLE "completed_transfers" (
	"transfer_id" uuid PRIMARY KEY NOT NULL,
	"source_account_id" uuid NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"completed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "completed_transfers_amount_check" CHECK ("completed_transfers"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "decisions" (
	"transfer_id" uuid PRIMARY KEY NOT NULL,
	"outcome" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"source_account_id" uuid NOT NULL,
	"destination_account_id" uuid NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	CONSTRAINT "decisions_outcome_check" CHECK ("decisions"."outcome" in ('APPROVE', 'REVIEW', 'DENY')),
	CONSTRAINT "decisions_amount_check" CHECK ("decisions"."amount" > 0),
	CONSTRAINT "decisions_reasons_check" CHECK (jsonb_typeof("decisions"."reasons") = 'array')
);
--> statement-breakpoint
CREATE TABLE "inbox" (
	"consumer" text NOT NULL,
	"event_id" text NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "opened_accounts" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"opened_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "outbox_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" uuid NOT NULL,
	"subject" text NOT NULL,
	"aggregate_id" text NOT NULL,
	"partition" smallint NOT NULL,
	"event_type" text NOT NULL,
	"schema" text NOT NULL,
	"payload" "bytea" NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "completed_transfers_source_time_idx" ON "completed_transfers" USING btree ("source_account_id","completed_at");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("partition","seq") WHERE "outbox"."published_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_published_idx" ON "outbox" USING brin ("published_at") WITH (autosummarize=true);
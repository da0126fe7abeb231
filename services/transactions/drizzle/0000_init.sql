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
CREATE TABLE "transfer_steps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"transfer_id" uuid NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"attempt" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transfers" (
	"transfer_id" uuid PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_fingerprint" text NOT NULL,
	"source_account_id" uuid NOT NULL,
	"destination_account_id" uuid NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"state" text NOT NULL,
	"destination_amount" bigint,
	"destination_currency" text,
	"fx_rate" text,
	"quote_id" uuid,
	"flagged_for_review" boolean DEFAULT false NOT NULL,
	"failure_reason" text,
	"failure_message" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"lease_until" timestamp with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "transfers_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "transfers_state_known" CHECK ("transfers"."state" in ('pending', 'funds_held', 'compensating', 'completed', 'failed', 'rejected')),
	CONSTRAINT "transfers_amount_positive" CHECK ("transfers"."amount" > 0),
	CONSTRAINT "transfers_distinct_accounts" CHECK ("transfers"."source_account_id" <> "transfers"."destination_account_id")
);
--> statement-breakpoint
ALTER TABLE "transfer_steps" ADD CONSTRAINT "transfer_steps_transfer_id_transfers_transfer_id_fk" FOREIGN KEY ("transfer_id") REFERENCES "public"."transfers"("transfer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("partition","seq") WHERE "outbox"."published_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_published_idx" ON "outbox" USING brin ("published_at") WITH (autosummarize=true);--> statement-breakpoint
CREATE INDEX "transfer_steps_by_transfer" ON "transfer_steps" USING btree ("transfer_id","id");--> statement-breakpoint
CREATE INDEX "transfers_by_source" ON "transfers" USING btree ("source_account_id","created_at" DESC NULLS LAST,"transfer_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "transfers_by_destination" ON "transfers" USING btree ("destination_account_id","created_at" DESC NULLS LAST,"transfer_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "transfers_to_resume" ON "transfers" USING btree ("next_attempt_at") WHERE "transfers"."state" in ('pending', 'funds_held', 'compensating');
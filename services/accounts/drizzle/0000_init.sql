CREATE TABLE "accounts" (
	"account_id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid,
	"currency" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"posted_balance" bigint DEFAULT 0 NOT NULL,
	"held_balance" bigint DEFAULT 0 NOT NULL,
	"open_request_id" uuid,
	"opened_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_open_request_id_key" UNIQUE("open_request_id"),
	CONSTRAINT "accounts_kind_check" CHECK ("accounts"."kind" in ('customer', 'funding', 'fx_pool')),
	CONSTRAINT "accounts_status_check" CHECK ("accounts"."status" in ('active', 'frozen')),
	CONSTRAINT "accounts_owner_check" CHECK (("accounts"."kind" = 'customer' and "accounts"."owner_id" is not null and "accounts"."open_request_id" is not null)
          or ("accounts"."kind" <> 'customer' and "accounts"."owner_id" is null and "accounts"."open_request_id" is null)),
	CONSTRAINT "accounts_held_non_negative" CHECK ("accounts"."held_balance" >= 0),
	CONSTRAINT "accounts_available_non_negative" CHECK ("accounts"."kind" <> 'customer' or "accounts"."posted_balance" - "accounts"."held_balance" >= 0)
);
--> statement-breakpoint
CREATE TABLE "holds" (
	"transfer_id" uuid PRIMARY KEY NOT NULL,
	"account_id" uuid,
	"amount" bigint NOT NULL,
	"currency" text,
	"status" text NOT NULL,
	"expires_at" timestamp with time zone,
	"release_reason" text,
	"destination_account_id" uuid,
	"destination_amount" bigint,
	"destination_currency" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "holds_status_check" CHECK ("holds"."status" in ('held', 'captured', 'released')),
	CONSTRAINT "holds_shape_check" CHECK (("holds"."account_id" is not null and "holds"."amount" > 0 and "holds"."currency" is not null and "holds"."expires_at" is not null)
          or ("holds"."account_id" is null and "holds"."amount" = 0 and "holds"."currency" is null and "holds"."status" = 'released')),
	CONSTRAINT "holds_capture_check" CHECK (("holds"."status" = 'captured') = ("holds"."destination_account_id" is not null
          and "holds"."destination_amount" > 0 and "holds"."destination_currency" is not null))
);
--> statement-breakpoint
CREATE TABLE "inbox" (
	"consumer" text NOT NULL,
	"event_id" text NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "journal_entries" (
	"entry_id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"transfer_id" uuid,
	"credit_id" uuid,
	"reference" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "journal_entries_transfer_id_key" UNIQUE("transfer_id"),
	CONSTRAINT "journal_entries_credit_id_key" UNIQUE("credit_id"),
	CONSTRAINT "journal_entries_key_check" CHECK (("journal_entries"."kind" = 'capture' and "journal_entries"."transfer_id" is not null and "journal_entries"."credit_id" is null)
          or ("journal_entries"."kind" = 'credit' and "journal_entries"."credit_id" is not null and "journal_entries"."transfer_id" is null))
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
CREATE TABLE "postings" (
	"entry_id" uuid NOT NULL,
	"line" smallint NOT NULL,
	"account_id" uuid NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	CONSTRAINT "postings_entry_id_line_pk" PRIMARY KEY("entry_id","line"),
	CONSTRAINT "postings_amount_non_zero" CHECK ("postings"."amount" <> 0)
);
--> statement-breakpoint
ALTER TABLE "holds" ADD CONSTRAINT "holds_account_id_accounts_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("account_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "holds" ADD CONSTRAINT "holds_destination_account_id_accounts_account_id_fk" FOREIGN KEY ("destination_account_id") REFERENCES "public"."accounts"("account_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "postings" ADD CONSTRAINT "postings_account_id_accounts_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("account_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "postings" ADD CONSTRAINT "postings_entry_id_journal_entries_entry_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("entry_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_system_per_currency_idx" ON "accounts" USING btree ("kind","currency") WHERE "accounts"."kind" <> 'customer';--> statement-breakpoint
CREATE INDEX "accounts_owner_opened_idx" ON "accounts" USING btree ("owner_id","opened_at","account_id");--> statement-breakpoint
CREATE INDEX "holds_held_expiry_idx" ON "holds" USING btree ("status","expires_at") WHERE "holds"."status" = 'held';--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("partition","seq") WHERE "outbox"."published_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_published_idx" ON "outbox" USING brin ("published_at") WITH (autosummarize=true);
-- due touches
WITH "t31" AS (
  SELECT
    "t11"."account_id",
    "t11"."agreement_id",
    "t11"."start_on",
    "t11"."end_on",
    "t11"."program",
    "t11"."sa",
    "t11"."value",
    "t11"."partner_id",
    "t11"."renewed_from",
    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -90) AS "due_on",
    MAKE_DATE(1970, 1, 1) + TO_DAYS(
      DATE_DIFF(
        'DAY',
        MAKE_DATE(1970, 1, 1),
        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -90)
      ) + 14
    ) AS "expires_on"
  FROM (
    SELECT
      "t10".*
      EXCLUDE ("owner", "survivor")
    FROM (
      SELECT
        "t9"."agreement_id",
        COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
        "t9"."program",
        "t9"."sa",
        "t9"."start_on",
        "t9"."end_on",
        "t9"."value",
        "t9"."currency",
        "t9"."renewed_from",
        "t9"."partner_id",
        "t9"."cancelled_on",
        "t9"."owner",
        "t9"."survivor"
      FROM (
        SELECT
          "t8"."agreement_id",
          "t8"."account_id",
          "t8"."program",
          "t8"."sa",
          "t8"."start_on",
          "t8"."end_on",
          "t8"."value",
          "t8"."currency",
          "t8"."renewed_from",
          "t8"."partner_id",
          "t8"."cancelled_on",
          "t7"."owner",
          "t7"."survivor"
        FROM (
          SELECT
            *
          FROM "agreements" AS "t1"
          WHERE
            "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
            AND (
              (
                "t1"."cancelled_on" IS NULL
              )
              OR (
                "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
              )
            )
        ) AS "t8"
        LEFT OUTER JOIN (
          SELECT
            "t2"."account_id" AS "owner",
            "t2"."merged_into" AS "survivor"
          FROM "accounts" AS "t2"
          WHERE
            "t2"."merged_into" IS NOT NULL
        ) AS "t7"
          ON "t8"."account_id" = "t7"."owner"
      ) AS "t9"
    ) AS "t10"
  ) AS "t11"
  WHERE
    "t11"."end_on" BETWEEN MAKE_DATE(2026, 8, 13) AND MAKE_DATE(2026, 9, 2)
)
SELECT
  *
FROM (
  SELECT
    "t73".*
    EXCLUDE ("account_id_right", "cycle_right", "touch_id_right")
  FROM (
    SELECT
      "t72"."account_id",
      "t72"."agreement_id",
      "t72"."start_on",
      "t72"."end_on",
      "t72"."program",
      "t72"."sa",
      "t72"."value",
      "t72"."partner_id",
      "t72"."renewed_from",
      "t72"."due_on",
      "t72"."expires_on",
      "t72"."touch_id",
      "t72"."stage_id",
      "t72"."cycle",
      "t5"."touch_id" AS "touch_id_right",
      "t5"."account_id" AS "account_id_right",
      "t5"."cycle" AS "cycle_right",
      "t5"."known_uid",
      "t5"."known_status",
      "t5"."known_planned_on"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          *
        FROM (
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t20"."account_id",
                "t20"."agreement_id",
                "t20"."start_on",
                "t20"."end_on",
                "t20"."program",
                "t20"."sa",
                "t20"."value",
                "t20"."partner_id",
                "t20"."renewed_from",
                "t20"."due_on",
                "t20"."expires_on",
                'sa_experience_feedback' AS "touch_id",
                'deploy' AS "stage_id",
                "t20"."agreement_id" AS "cycle"
              FROM (
                SELECT
                  "t11"."account_id",
                  "t11"."agreement_id",
                  "t11"."start_on",
                  "t11"."end_on",
                  "t11"."program",
                  "t11"."sa",
                  "t11"."value",
                  "t11"."partner_id",
                  "t11"."renewed_from",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 100) AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    DATE_DIFF(
                      'DAY',
                      MAKE_DATE(1970, 1, 1),
                      MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 100)
                    ) + 14
                  ) AS "expires_on"
                FROM (
                  SELECT
                    "t10".*
                    EXCLUDE ("owner", "survivor")
                  FROM (
                    SELECT
                      "t9"."agreement_id",
                      COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                      "t9"."program",
                      "t9"."sa",
                      "t9"."start_on",
                      "t9"."end_on",
                      "t9"."value",
                      "t9"."currency",
                      "t9"."renewed_from",
                      "t9"."partner_id",
                      "t9"."cancelled_on",
                      "t9"."owner",
                      "t9"."survivor"
                    FROM (
                      SELECT
                        "t8"."agreement_id",
                        "t8"."account_id",
                        "t8"."program",
                        "t8"."sa",
                        "t8"."start_on",
                        "t8"."end_on",
                        "t8"."value",
                        "t8"."currency",
                        "t8"."renewed_from",
                        "t8"."partner_id",
                        "t8"."cancelled_on",
                        "t7"."owner",
                        "t7"."survivor"
                      FROM (
                        SELECT
                          *
                        FROM "agreements" AS "t1"
                        WHERE
                          "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                          AND (
                            (
                              "t1"."cancelled_on" IS NULL
                            )
                            OR (
                              "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                            )
                          )
                      ) AS "t8"
                      LEFT OUTER JOIN (
                        SELECT
                          "t2"."account_id" AS "owner",
                          "t2"."merged_into" AS "survivor"
                        FROM "accounts" AS "t2"
                        WHERE
                          "t2"."merged_into" IS NOT NULL
                      ) AS "t7"
                        ON "t8"."account_id" = "t7"."owner"
                    ) AS "t9"
                  ) AS "t10"
                ) AS "t11"
                WHERE
                  "t11"."start_on" BETWEEN MAKE_DATE(2026, 2, 4) AND MAKE_DATE(2026, 2, 24)
              ) AS "t20"
              WHERE
                "t20"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t20"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  "t20"."start_on" + INTERVAL '1' MONTH
                ) <= MAKE_DATE(2026, 6, 1)
                AND (
                  "t20"."start_on" + INTERVAL '4' MONTH
                ) >= MAKE_DATE(2026, 6, 1)
            ) AS "t41"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                "t13"."account_id",
                "t13"."agreement_id",
                "t13"."start_on",
                "t13"."end_on",
                "t13"."program",
                "t13"."sa",
                "t13"."value",
                "t13"."partner_id",
                "t13"."renewed_from",
                "t13"."due_on",
                "t13"."expires_on",
                'usage_tips' AS "touch_id",
                'use' AS "stage_id",
                "t13"."agreement_id" AS "cycle"
              FROM (
                SELECT
                  "t11"."account_id",
                  "t11"."agreement_id",
                  "t11"."start_on",
                  "t11"."end_on",
                  "t11"."program",
                  "t11"."sa",
                  "t11"."value",
                  "t11"."partner_id",
                  "t11"."renewed_from",
                  "t11"."start_on" + INTERVAL '5' MONTH AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on" + INTERVAL '5' MONTH) + 14
                  ) AS "expires_on"
                FROM (
                  SELECT
                    "t10".*
                    EXCLUDE ("owner", "survivor")
                  FROM (
                    SELECT
                      "t9"."agreement_id",
                      COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                      "t9"."program",
                      "t9"."sa",
                      "t9"."start_on",
                      "t9"."end_on",
                      "t9"."value",
                      "t9"."currency",
                      "t9"."renewed_from",
                      "t9"."partner_id",
                      "t9"."cancelled_on",
                      "t9"."owner",
                      "t9"."survivor"
                    FROM (
                      SELECT
                        "t8"."agreement_id",
                        "t8"."account_id",
                        "t8"."program",
                        "t8"."sa",
                        "t8"."start_on",
                        "t8"."end_on",
                        "t8"."value",
                        "t8"."currency",
                        "t8"."renewed_from",
                        "t8"."partner_id",
                        "t8"."cancelled_on",
                        "t7"."owner",
                        "t7"."survivor"
                      FROM (
                        SELECT
                          *
                        FROM "agreements" AS "t1"
                        WHERE
                          "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                          AND (
                            (
                              "t1"."cancelled_on" IS NULL
                            )
                            OR (
                              "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                            )
                          )
                      ) AS "t8"
                      LEFT OUTER JOIN (
                        SELECT
                          "t2"."account_id" AS "owner",
                          "t2"."merged_into" AS "survivor"
                        FROM "accounts" AS "t2"
                        WHERE
                          "t2"."merged_into" IS NOT NULL
                      ) AS "t7"
                        ON "t8"."account_id" = "t7"."owner"
                    ) AS "t9"
                  ) AS "t10"
                ) AS "t11"
                WHERE
                  "t11"."start_on" BETWEEN MAKE_DATE(2025, 12, 15) AND MAKE_DATE(2026, 1, 4)
              ) AS "t13"
              WHERE
                "t13"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t13"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  "t13"."start_on" + INTERVAL '4' MONTH
                ) <= MAKE_DATE(2026, 6, 1)
                AND (
                  "t13"."end_on" + INTERVAL '-6' MONTH
                ) >= MAKE_DATE(2026, 6, 1)
            ) AS "t32"
          ) AS "t50"
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t14"."account_id",
                "t14"."agreement_id",
                "t14"."start_on",
                "t14"."end_on",
                "t14"."program",
                "t14"."sa",
                "t14"."value",
                "t14"."partner_id",
                "t14"."renewed_from",
                "t14"."due_on",
                "t14"."expires_on",
                'cross_sell_profiling' AS "touch_id",
                'use' AS "stage_id",
                "t14"."agreement_id" AS "cycle"
              FROM (
                SELECT
                  "t11"."account_id",
                  "t11"."agreement_id",
                  "t11"."start_on",
                  "t11"."end_on",
                  "t11"."program",
                  "t11"."sa",
                  "t11"."value",
                  "t11"."partner_id",
                  "t11"."renewed_from",
                  "t11"."start_on" + INTERVAL '6' MONTH AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on" + INTERVAL '6' MONTH) + 14
                  ) AS "expires_on"
                FROM (
                  SELECT
                    "t10".*
                    EXCLUDE ("owner", "survivor")
                  FROM (
                    SELECT
                      "t9"."agreement_id",
                      COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                      "t9"."program",
                      "t9"."sa",
                      "t9"."start_on",
                      "t9"."end_on",
                      "t9"."value",
                      "t9"."currency",
                      "t9"."renewed_from",
                      "t9"."partner_id",
                      "t9"."cancelled_on",
                      "t9"."owner",
                      "t9"."survivor"
                    FROM (
                      SELECT
                        "t8"."agreement_id",
                        "t8"."account_id",
                        "t8"."program",
                        "t8"."sa",
                        "t8"."start_on",
                        "t8"."end_on",
                        "t8"."value",
                        "t8"."currency",
                        "t8"."renewed_from",
                        "t8"."partner_id",
                        "t8"."cancelled_on",
                        "t7"."owner",
                        "t7"."survivor"
                      FROM (
                        SELECT
                          *
                        FROM "agreements" AS "t1"
                        WHERE
                          "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                          AND (
                            (
                              "t1"."cancelled_on" IS NULL
                            )
                            OR (
                              "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                            )
                          )
                      ) AS "t8"
                      LEFT OUTER JOIN (
                        SELECT
                          "t2"."account_id" AS "owner",
                          "t2"."merged_into" AS "survivor"
                        FROM "accounts" AS "t2"
                        WHERE
                          "t2"."merged_into" IS NOT NULL
                      ) AS "t7"
                        ON "t8"."account_id" = "t7"."owner"
                    ) AS "t9"
                  ) AS "t10"
                ) AS "t11"
                WHERE
                  "t11"."start_on" BETWEEN MAKE_DATE(2025, 11, 15) AND MAKE_DATE(2025, 12, 4)
              ) AS "t14"
              WHERE
                "t14"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t14"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  "t14"."start_on" + INTERVAL '4' MONTH
                ) <= MAKE_DATE(2026, 6, 1)
                AND (
                  "t14"."end_on" + INTERVAL '-6' MONTH
                ) >= MAKE_DATE(2026, 6, 1)
            ) AS "t33"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                "t15"."account_id",
                "t15"."agreement_id",
                "t15"."start_on",
                "t15"."end_on",
                "t15"."program",
                "t15"."sa",
                "t15"."value",
                "t15"."partner_id",
                "t15"."renewed_from",
                "t15"."due_on",
                "t15"."expires_on",
                'customer_event_map' AS "touch_id",
                'use' AS "stage_id",
                "t15"."agreement_id" AS "cycle"
              FROM (
                SELECT
                  "t11"."account_id",
                  "t11"."agreement_id",
                  "t11"."start_on",
                  "t11"."end_on",
                  "t11"."program",
                  "t11"."sa",
                  "t11"."value",
                  "t11"."partner_id",
                  "t11"."renewed_from",
                  "t11"."start_on" + INTERVAL '7' MONTH AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on" + INTERVAL '7' MONTH) + 14
                  ) AS "expires_on"
                FROM (
                  SELECT
                    "t10".*
                    EXCLUDE ("owner", "survivor")
                  FROM (
                    SELECT
                      "t9"."agreement_id",
                      COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                      "t9"."program",
                      "t9"."sa",
                      "t9"."start_on",
                      "t9"."end_on",
                      "t9"."value",
                      "t9"."currency",
                      "t9"."renewed_from",
                      "t9"."partner_id",
                      "t9"."cancelled_on",
                      "t9"."owner",
                      "t9"."survivor"
                    FROM (
                      SELECT
                        "t8"."agreement_id",
                        "t8"."account_id",
                        "t8"."program",
                        "t8"."sa",
                        "t8"."start_on",
                        "t8"."end_on",
                        "t8"."value",
                        "t8"."currency",
                        "t8"."renewed_from",
                        "t8"."partner_id",
                        "t8"."cancelled_on",
                        "t7"."owner",
                        "t7"."survivor"
                      FROM (
                        SELECT
                          *
                        FROM "agreements" AS "t1"
                        WHERE
                          "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                          AND (
                            (
                              "t1"."cancelled_on" IS NULL
                            )
                            OR (
                              "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                            )
                          )
                      ) AS "t8"
                      LEFT OUTER JOIN (
                        SELECT
                          "t2"."account_id" AS "owner",
                          "t2"."merged_into" AS "survivor"
                        FROM "accounts" AS "t2"
                        WHERE
                          "t2"."merged_into" IS NOT NULL
                      ) AS "t7"
                        ON "t8"."account_id" = "t7"."owner"
                    ) AS "t9"
                  ) AS "t10"
                ) AS "t11"
                WHERE
                  "t11"."start_on" BETWEEN MAKE_DATE(2025, 10, 15) AND MAKE_DATE(2025, 11, 4)
              ) AS "t15"
              WHERE
                "t15"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t15"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  "t15"."start_on" + INTERVAL '4' MONTH
                ) <= MAKE_DATE(2026, 6, 1)
                AND (
                  "t15"."end_on" + INTERVAL '-6' MONTH
                ) >= MAKE_DATE(2026, 6, 1)
            ) AS "t34"
          ) AS "t39"
        ) AS "t56"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t16"."account_id",
                "t16"."agreement_id",
                "t16"."start_on",
                "t16"."end_on",
                "t16"."program",
                "t16"."sa",
                "t16"."value",
                "t16"."partner_id",
                "t16"."renewed_from",
                "t16"."due_on",
                "t16"."expires_on",
                'cross_sell_purchase_record' AS "touch_id",
                'use' AS "stage_id",
                "t16"."agreement_id" AS "cycle"
              FROM (
                SELECT
                  "t11"."account_id",
                  "t11"."agreement_id",
                  "t11"."start_on",
                  "t11"."end_on",
                  "t11"."program",
                  "t11"."sa",
                  "t11"."value",
                  "t11"."partner_id",
                  "t11"."renewed_from",
                  "t11"."start_on" + INTERVAL '9' MONTH AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on" + INTERVAL '9' MONTH) + 14
                  ) AS "expires_on"
                FROM (
                  SELECT
                    "t10".*
                    EXCLUDE ("owner", "survivor")
                  FROM (
                    SELECT
                      "t9"."agreement_id",
                      COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                      "t9"."program",
                      "t9"."sa",
                      "t9"."start_on",
                      "t9"."end_on",
                      "t9"."value",
                      "t9"."currency",
                      "t9"."renewed_from",
                      "t9"."partner_id",
                      "t9"."cancelled_on",
                      "t9"."owner",
                      "t9"."survivor"
                    FROM (
                      SELECT
                        "t8"."agreement_id",
                        "t8"."account_id",
                        "t8"."program",
                        "t8"."sa",
                        "t8"."start_on",
                        "t8"."end_on",
                        "t8"."value",
                        "t8"."currency",
                        "t8"."renewed_from",
                        "t8"."partner_id",
                        "t8"."cancelled_on",
                        "t7"."owner",
                        "t7"."survivor"
                      FROM (
                        SELECT
                          *
                        FROM "agreements" AS "t1"
                        WHERE
                          "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                          AND (
                            (
                              "t1"."cancelled_on" IS NULL
                            )
                            OR (
                              "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                            )
                          )
                      ) AS "t8"
                      LEFT OUTER JOIN (
                        SELECT
                          "t2"."account_id" AS "owner",
                          "t2"."merged_into" AS "survivor"
                        FROM "accounts" AS "t2"
                        WHERE
                          "t2"."merged_into" IS NOT NULL
                      ) AS "t7"
                        ON "t8"."account_id" = "t7"."owner"
                    ) AS "t9"
                  ) AS "t10"
                ) AS "t11"
                WHERE
                  "t11"."start_on" BETWEEN MAKE_DATE(2025, 8, 15) AND MAKE_DATE(2025, 9, 4)
              ) AS "t16"
              WHERE
                "t16"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t16"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  "t16"."start_on" + INTERVAL '4' MONTH
                ) <= MAKE_DATE(2026, 6, 1)
                AND (
                  "t16"."end_on" + INTERVAL '-6' MONTH
                ) >= MAKE_DATE(2026, 6, 1)
            ) AS "t35"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                "t17"."account_id",
                "t17"."agreement_id",
                "t17"."start_on",
                "t17"."end_on",
                "t17"."program",
                "t17"."sa",
                "t17"."value",
                "t17"."partner_id",
                "t17"."renewed_from",
                "t17"."due_on",
                "t17"."expires_on",
                'sa_program' AS "touch_id",
                'use' AS "stage_id",
                "t17"."agreement_id" AS "cycle"
              FROM (
                SELECT
                  "t11"."account_id",
                  "t11"."agreement_id",
                  "t11"."start_on",
                  "t11"."end_on",
                  "t11"."program",
                  "t11"."sa",
                  "t11"."value",
                  "t11"."partner_id",
                  "t11"."renewed_from",
                  "t11"."start_on" + INTERVAL '11' MONTH AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on" + INTERVAL '11' MONTH) + 14
                  ) AS "expires_on"
                FROM (
                  SELECT
                    "t10".*
                    EXCLUDE ("owner", "survivor")
                  FROM (
                    SELECT
                      "t9"."agreement_id",
                      COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                      "t9"."program",
                      "t9"."sa",
                      "t9"."start_on",
                      "t9"."end_on",
                      "t9"."value",
                      "t9"."currency",
                      "t9"."renewed_from",
                      "t9"."partner_id",
                      "t9"."cancelled_on",
                      "t9"."owner",
                      "t9"."survivor"
                    FROM (
                      SELECT
                        "t8"."agreement_id",
                        "t8"."account_id",
                        "t8"."program",
                        "t8"."sa",
                        "t8"."start_on",
                        "t8"."end_on",
                        "t8"."value",
                        "t8"."currency",
                        "t8"."renewed_from",
                        "t8"."partner_id",
                        "t8"."cancelled_on",
                        "t7"."owner",
                        "t7"."survivor"
                      FROM (
                        SELECT
                          *
                        FROM "agreements" AS "t1"
                        WHERE
                          "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                          AND (
                            (
                              "t1"."cancelled_on" IS NULL
                            )
                            OR (
                              "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                            )
                          )
                      ) AS "t8"
                      LEFT OUTER JOIN (
                        SELECT
                          "t2"."account_id" AS "owner",
                          "t2"."merged_into" AS "survivor"
                        FROM "accounts" AS "t2"
                        WHERE
                          "t2"."merged_into" IS NOT NULL
                      ) AS "t7"
                        ON "t8"."account_id" = "t7"."owner"
                    ) AS "t9"
                  ) AS "t10"
                ) AS "t11"
                WHERE
                  "t11"."start_on" BETWEEN MAKE_DATE(2025, 6, 15) AND MAKE_DATE(2025, 7, 4)
              ) AS "t17"
              WHERE
                "t17"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t17"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  "t17"."start_on" + INTERVAL '4' MONTH
                ) <= MAKE_DATE(2026, 6, 1)
                AND (
                  "t17"."end_on" + INTERVAL '-6' MONTH
                ) >= MAKE_DATE(2026, 6, 1)
            ) AS "t36"
          ) AS "t40"
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t29"."account_id",
                "t29"."agreement_id",
                "t29"."start_on",
                "t29"."end_on",
                "t29"."program",
                "t29"."sa",
                "t29"."value",
                "t29"."partner_id",
                "t29"."renewed_from",
                "t29"."due_on",
                "t29"."expires_on",
                'renew_minus_180' AS "touch_id",
                'renew' AS "stage_id",
                "t29"."agreement_id" || '@' || CAST("t29"."end_on" AS TEXT) AS "cycle"
              FROM (
                SELECT
                  "t11"."account_id",
                  "t11"."agreement_id",
                  "t11"."start_on",
                  "t11"."end_on",
                  "t11"."program",
                  "t11"."sa",
                  "t11"."value",
                  "t11"."partner_id",
                  "t11"."renewed_from",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -180) AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    DATE_DIFF(
                      'DAY',
                      MAKE_DATE(1970, 1, 1),
                      MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -180)
                    ) + 14
                  ) AS "expires_on"
                FROM (
                  SELECT
                    "t10".*
                    EXCLUDE ("owner", "survivor")
                  FROM (
                    SELECT
                      "t9"."agreement_id",
                      COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                      "t9"."program",
                      "t9"."sa",
                      "t9"."start_on",
                      "t9"."end_on",
                      "t9"."value",
                      "t9"."currency",
                      "t9"."renewed_from",
                      "t9"."partner_id",
                      "t9"."cancelled_on",
                      "t9"."owner",
                      "t9"."survivor"
                    FROM (
                      SELECT
                        "t8"."agreement_id",
                        "t8"."account_id",
                        "t8"."program",
                        "t8"."sa",
                        "t8"."start_on",
                        "t8"."end_on",
                        "t8"."value",
                        "t8"."currency",
                        "t8"."renewed_from",
                        "t8"."partner_id",
                        "t8"."cancelled_on",
                        "t7"."owner",
                        "t7"."survivor"
                      FROM (
                        SELECT
                          *
                        FROM "agreements" AS "t1"
                        WHERE
                          "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                          AND (
                            (
                              "t1"."cancelled_on" IS NULL
                            )
                            OR (
                              "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                            )
                          )
                      ) AS "t8"
                      LEFT OUTER JOIN (
                        SELECT
                          "t2"."account_id" AS "owner",
                          "t2"."merged_into" AS "survivor"
                        FROM "accounts" AS "t2"
                        WHERE
                          "t2"."merged_into" IS NOT NULL
                      ) AS "t7"
                        ON "t8"."account_id" = "t7"."owner"
                    ) AS "t9"
                  ) AS "t10"
                ) AS "t11"
                WHERE
                  "t11"."end_on" BETWEEN MAKE_DATE(2026, 11, 11) AND MAKE_DATE(2026, 12, 1)
              ) AS "t29"
              WHERE
                "t29"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t29"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  "t29"."end_on" + INTERVAL '-6' MONTH
                ) <= MAKE_DATE(2026, 6, 1)
                AND (
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t29"."end_on") + 7)
                ) >= MAKE_DATE(2026, 6, 1)
            ) AS "t61"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                "t38"."account_id",
                "t38"."agreement_id",
                "t38"."start_on",
                "t38"."end_on",
                "t38"."program",
                "t38"."sa",
                "t38"."value",
                "t38"."partner_id",
                "t38"."renewed_from",
                "t38"."due_on",
                "t38"."expires_on",
                'renew_minus_90' AS "touch_id",
                'renew' AS "stage_id",
                "t38"."agreement_id" || '@' || CAST("t38"."end_on" AS TEXT) AS "cycle"
              FROM "t31" AS "t38"
              WHERE
                "t38"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t38"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  "t38"."end_on" + INTERVAL '-6' MONTH
                ) <= MAKE_DATE(2026, 6, 1)
                AND (
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t38"."end_on") + 7)
                ) >= MAKE_DATE(2026, 6, 1)
            ) AS "t63"
          ) AS "t65"
        ) AS "t67"
      ) AS "t69"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          *
        FROM (
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t38"."account_id",
                "t38"."agreement_id",
                "t38"."start_on",
                "t38"."end_on",
                "t38"."program",
                "t38"."sa",
                "t38"."value",
                "t38"."partner_id",
                "t38"."renewed_from",
                "t38"."due_on",
                "t38"."expires_on",
                'licence_statement' AS "touch_id",
                'renew' AS "stage_id",
                "t38"."agreement_id" || '@' || CAST("t38"."end_on" AS TEXT) AS "cycle"
              FROM "t31" AS "t38"
              WHERE
                "t38"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t38"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  "t38"."end_on" + INTERVAL '-6' MONTH
                ) <= MAKE_DATE(2026, 6, 1)
                AND (
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t38"."end_on") + 7)
                ) >= MAKE_DATE(2026, 6, 1)
            ) AS "t64"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                "t30"."account_id",
                "t30"."agreement_id",
                "t30"."start_on",
                "t30"."end_on",
                "t30"."program",
                "t30"."sa",
                "t30"."value",
                "t30"."partner_id",
                "t30"."renewed_from",
                "t30"."due_on",
                "t30"."expires_on",
                'renew_minus_45' AS "touch_id",
                'renew' AS "stage_id",
                "t30"."agreement_id" || '@' || CAST("t30"."end_on" AS TEXT) AS "cycle"
              FROM (
                SELECT
                  "t11"."account_id",
                  "t11"."agreement_id",
                  "t11"."start_on",
                  "t11"."end_on",
                  "t11"."program",
                  "t11"."sa",
                  "t11"."value",
                  "t11"."partner_id",
                  "t11"."renewed_from",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -45) AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    DATE_DIFF(
                      'DAY',
                      MAKE_DATE(1970, 1, 1),
                      MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -45)
                    ) + 14
                  ) AS "expires_on"
                FROM (
                  SELECT
                    "t10".*
                    EXCLUDE ("owner", "survivor")
                  FROM (
                    SELECT
                      "t9"."agreement_id",
                      COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                      "t9"."program",
                      "t9"."sa",
                      "t9"."start_on",
                      "t9"."end_on",
                      "t9"."value",
                      "t9"."currency",
                      "t9"."renewed_from",
                      "t9"."partner_id",
                      "t9"."cancelled_on",
                      "t9"."owner",
                      "t9"."survivor"
                    FROM (
                      SELECT
                        "t8"."agreement_id",
                        "t8"."account_id",
                        "t8"."program",
                        "t8"."sa",
                        "t8"."start_on",
                        "t8"."end_on",
                        "t8"."value",
                        "t8"."currency",
                        "t8"."renewed_from",
                        "t8"."partner_id",
                        "t8"."cancelled_on",
                        "t7"."owner",
                        "t7"."survivor"
                      FROM (
                        SELECT
                          *
                        FROM "agreements" AS "t1"
                        WHERE
                          "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                          AND (
                            (
                              "t1"."cancelled_on" IS NULL
                            )
                            OR (
                              "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                            )
                          )
                      ) AS "t8"
                      LEFT OUTER JOIN (
                        SELECT
                          "t2"."account_id" AS "owner",
                          "t2"."merged_into" AS "survivor"
                        FROM "accounts" AS "t2"
                        WHERE
                          "t2"."merged_into" IS NOT NULL
                      ) AS "t7"
                        ON "t8"."account_id" = "t7"."owner"
                    ) AS "t9"
                  ) AS "t10"
                ) AS "t11"
                WHERE
                  "t11"."end_on" BETWEEN MAKE_DATE(2026, 6, 29) AND MAKE_DATE(2026, 7, 19)
              ) AS "t30"
              WHERE
                "t30"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t30"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  "t30"."end_on" + INTERVAL '-6' MONTH
                ) <= MAKE_DATE(2026, 6, 1)
                AND (
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t30"."end_on") + 7)
                ) >= MAKE_DATE(2026, 6, 1)
            ) AS "t62"
          ) AS "t66"
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t11"."account_id",
                "t11"."agreement_id",
                "t11"."start_on",
                "t11"."end_on",
                "t11"."program",
                "t11"."sa",
                "t11"."value",
                "t11"."partner_id",
                "t11"."renewed_from",
                "t11"."end_on" AS "due_on",
                MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + 7) AS "expires_on",
                'renew_minus_0' AS "touch_id",
                'renew' AS "stage_id",
                "t11"."agreement_id" || '@' || CAST("t11"."end_on" AS TEXT) AS "cycle"
              FROM (
                SELECT
                  "t10".*
                  EXCLUDE ("owner", "survivor")
                FROM (
                  SELECT
                    "t9"."agreement_id",
                    COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                    "t9"."program",
                    "t9"."sa",
                    "t9"."start_on",
                    "t9"."end_on",
                    "t9"."value",
                    "t9"."currency",
                    "t9"."renewed_from",
                    "t9"."partner_id",
                    "t9"."cancelled_on",
                    "t9"."owner",
                    "t9"."survivor"
                  FROM (
                    SELECT
                      "t8"."agreement_id",
                      "t8"."account_id",
                      "t8"."program",
                      "t8"."sa",
                      "t8"."start_on",
                      "t8"."end_on",
                      "t8"."value",
                      "t8"."currency",
                      "t8"."renewed_from",
                      "t8"."partner_id",
                      "t8"."cancelled_on",
                      "t7"."owner",
                      "t7"."survivor"
                    FROM (
                      SELECT
                        *
                      FROM "agreements" AS "t1"
                      WHERE
                        "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                        AND (
                          (
                            "t1"."cancelled_on" IS NULL
                          )
                          OR (
                            "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                          )
                        )
                    ) AS "t8"
                    LEFT OUTER JOIN (
                      SELECT
                        "t2"."account_id" AS "owner",
                        "t2"."merged_into" AS "survivor"
                      FROM "accounts" AS "t2"
                      WHERE
                        "t2"."merged_into" IS NOT NULL
                    ) AS "t7"
                      ON "t8"."account_id" = "t7"."owner"
                  ) AS "t9"
                ) AS "t10"
              ) AS "t11"
              WHERE
                "t11"."end_on" BETWEEN MAKE_DATE(2026, 5, 22) AND MAKE_DATE(2026, 6, 4)
                AND "t11"."end_on" <= MAKE_DATE(2026, 6, 1)
                AND (
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + 7)
                ) >= MAKE_DATE(2026, 6, 1)
                AND (
                  "t11"."end_on" + INTERVAL '-6' MONTH
                ) <= MAKE_DATE(2026, 6, 1)
            ) AS "t19"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t21"."account_id",
                  "t21"."agreement_id",
                  "t21"."start_on",
                  "t21"."end_on",
                  "t21"."program",
                  "t21"."sa",
                  "t21"."value",
                  "t21"."partner_id",
                  "t21"."renewed_from",
                  "t21"."due_on",
                  "t21"."expires_on",
                  'thank_you_letter' AS "touch_id",
                  'welcome' AS "stage_id",
                  "t21"."agreement_id" AS "cycle"
                FROM (
                  SELECT
                    "t11"."account_id",
                    "t11"."agreement_id",
                    "t11"."start_on",
                    "t11"."end_on",
                    "t11"."program",
                    "t11"."sa",
                    "t11"."value",
                    "t11"."partner_id",
                    "t11"."renewed_from",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 3) AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF(
                        'DAY',
                        MAKE_DATE(1970, 1, 1),
                        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 3)
                      ) + 14
                    ) AS "expires_on"
                  FROM (
                    SELECT
                      "t10".*
                      EXCLUDE ("owner", "survivor")
                    FROM (
                      SELECT
                        "t9"."agreement_id",
                        COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                        "t9"."program",
                        "t9"."sa",
                        "t9"."start_on",
                        "t9"."end_on",
                        "t9"."value",
                        "t9"."currency",
                        "t9"."renewed_from",
                        "t9"."partner_id",
                        "t9"."cancelled_on",
                        "t9"."owner",
                        "t9"."survivor"
                      FROM (
                        SELECT
                          "t8"."agreement_id",
                          "t8"."account_id",
                          "t8"."program",
                          "t8"."sa",
                          "t8"."start_on",
                          "t8"."end_on",
                          "t8"."value",
                          "t8"."currency",
                          "t8"."renewed_from",
                          "t8"."partner_id",
                          "t8"."cancelled_on",
                          "t7"."owner",
                          "t7"."survivor"
                        FROM (
                          SELECT
                            *
                          FROM "agreements" AS "t1"
                          WHERE
                            "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                            AND (
                              (
                                "t1"."cancelled_on" IS NULL
                              )
                              OR (
                                "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                              )
                            )
                        ) AS "t8"
                        LEFT OUTER JOIN (
                          SELECT
                            "t2"."account_id" AS "owner",
                            "t2"."merged_into" AS "survivor"
                          FROM "accounts" AS "t2"
                          WHERE
                            "t2"."merged_into" IS NOT NULL
                        ) AS "t7"
                          ON "t8"."account_id" = "t7"."owner"
                      ) AS "t9"
                    ) AS "t10"
                  ) AS "t11"
                  WHERE
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 5, 12) AND MAKE_DATE(2026, 6, 1)
                ) AS "t21"
                WHERE
                  "t21"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t21"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND "t21"."start_on" <= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t21"."start_on" + INTERVAL '1' MONTH
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t42"
              UNION ALL
              SELECT
                *
              FROM (
                SELECT
                  "t22"."account_id",
                  "t22"."agreement_id",
                  "t22"."start_on",
                  "t22"."end_on",
                  "t22"."program",
                  "t22"."sa",
                  "t22"."value",
                  "t22"."partner_id",
                  "t22"."renewed_from",
                  "t22"."due_on",
                  "t22"."expires_on",
                  'welcome_call' AS "touch_id",
                  'welcome' AS "stage_id",
                  "t22"."agreement_id" AS "cycle"
                FROM (
                  SELECT
                    "t11"."account_id",
                    "t11"."agreement_id",
                    "t11"."start_on",
                    "t11"."end_on",
                    "t11"."program",
                    "t11"."sa",
                    "t11"."value",
                    "t11"."partner_id",
                    "t11"."renewed_from",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 7) AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF(
                        'DAY',
                        MAKE_DATE(1970, 1, 1),
                        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 7)
                      ) + 14
                    ) AS "expires_on"
                  FROM (
                    SELECT
                      "t10".*
                      EXCLUDE ("owner", "survivor")
                    FROM (
                      SELECT
                        "t9"."agreement_id",
                        COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                        "t9"."program",
                        "t9"."sa",
                        "t9"."start_on",
                        "t9"."end_on",
                        "t9"."value",
                        "t9"."currency",
                        "t9"."renewed_from",
                        "t9"."partner_id",
                        "t9"."cancelled_on",
                        "t9"."owner",
                        "t9"."survivor"
                      FROM (
                        SELECT
                          "t8"."agreement_id",
                          "t8"."account_id",
                          "t8"."program",
                          "t8"."sa",
                          "t8"."start_on",
                          "t8"."end_on",
                          "t8"."value",
                          "t8"."currency",
                          "t8"."renewed_from",
                          "t8"."partner_id",
                          "t8"."cancelled_on",
                          "t7"."owner",
                          "t7"."survivor"
                        FROM (
                          SELECT
                            *
                          FROM "agreements" AS "t1"
                          WHERE
                            "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                            AND (
                              (
                                "t1"."cancelled_on" IS NULL
                              )
                              OR (
                                "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                              )
                            )
                        ) AS "t8"
                        LEFT OUTER JOIN (
                          SELECT
                            "t2"."account_id" AS "owner",
                            "t2"."merged_into" AS "survivor"
                          FROM "accounts" AS "t2"
                          WHERE
                            "t2"."merged_into" IS NOT NULL
                        ) AS "t7"
                          ON "t8"."account_id" = "t7"."owner"
                      ) AS "t9"
                    ) AS "t10"
                  ) AS "t11"
                  WHERE
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 5, 8) AND MAKE_DATE(2026, 5, 28)
                ) AS "t22"
                WHERE
                  "t22"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t22"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND "t22"."start_on" <= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t22"."start_on" + INTERVAL '1' MONTH
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t43"
            ) AS "t51"
          ) AS "t57"
        ) AS "t68"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t23"."account_id",
                  "t23"."agreement_id",
                  "t23"."start_on",
                  "t23"."end_on",
                  "t23"."program",
                  "t23"."sa",
                  "t23"."value",
                  "t23"."partner_id",
                  "t23"."renewed_from",
                  "t23"."due_on",
                  "t23"."expires_on",
                  'free_support_briefing' AS "touch_id",
                  'welcome' AS "stage_id",
                  "t23"."agreement_id" AS "cycle"
                FROM (
                  SELECT
                    "t11"."account_id",
                    "t11"."agreement_id",
                    "t11"."start_on",
                    "t11"."end_on",
                    "t11"."program",
                    "t11"."sa",
                    "t11"."value",
                    "t11"."partner_id",
                    "t11"."renewed_from",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 10) AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF(
                        'DAY',
                        MAKE_DATE(1970, 1, 1),
                        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 10)
                      ) + 14
                    ) AS "expires_on"
                  FROM (
                    SELECT
                      "t10".*
                      EXCLUDE ("owner", "survivor")
                    FROM (
                      SELECT
                        "t9"."agreement_id",
                        COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                        "t9"."program",
                        "t9"."sa",
                        "t9"."start_on",
                        "t9"."end_on",
                        "t9"."value",
                        "t9"."currency",
                        "t9"."renewed_from",
                        "t9"."partner_id",
                        "t9"."cancelled_on",
                        "t9"."owner",
                        "t9"."survivor"
                      FROM (
                        SELECT
                          "t8"."agreement_id",
                          "t8"."account_id",
                          "t8"."program",
                          "t8"."sa",
                          "t8"."start_on",
                          "t8"."end_on",
                          "t8"."value",
                          "t8"."currency",
                          "t8"."renewed_from",
                          "t8"."partner_id",
                          "t8"."cancelled_on",
                          "t7"."owner",
                          "t7"."survivor"
                        FROM (
                          SELECT
                            *
                          FROM "agreements" AS "t1"
                          WHERE
                            "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                            AND (
                              (
                                "t1"."cancelled_on" IS NULL
                              )
                              OR (
                                "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                              )
                            )
                        ) AS "t8"
                        LEFT OUTER JOIN (
                          SELECT
                            "t2"."account_id" AS "owner",
                            "t2"."merged_into" AS "survivor"
                          FROM "accounts" AS "t2"
                          WHERE
                            "t2"."merged_into" IS NOT NULL
                        ) AS "t7"
                          ON "t8"."account_id" = "t7"."owner"
                      ) AS "t9"
                    ) AS "t10"
                  ) AS "t11"
                  WHERE
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 5, 5) AND MAKE_DATE(2026, 5, 25)
                ) AS "t23"
                WHERE
                  "t23"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t23"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND "t23"."start_on" <= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t23"."start_on" + INTERVAL '1' MONTH
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t44"
              UNION ALL
              SELECT
                *
              FROM (
                SELECT
                  "t24"."account_id",
                  "t24"."agreement_id",
                  "t24"."start_on",
                  "t24"."end_on",
                  "t24"."program",
                  "t24"."sa",
                  "t24"."value",
                  "t24"."partner_id",
                  "t24"."renewed_from",
                  "t24"."due_on",
                  "t24"."expires_on",
                  'sa_benefit_introduction' AS "touch_id",
                  'welcome' AS "stage_id",
                  "t24"."agreement_id" AS "cycle"
                FROM (
                  SELECT
                    "t11"."account_id",
                    "t11"."agreement_id",
                    "t11"."start_on",
                    "t11"."end_on",
                    "t11"."program",
                    "t11"."sa",
                    "t11"."value",
                    "t11"."partner_id",
                    "t11"."renewed_from",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 14) AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF(
                        'DAY',
                        MAKE_DATE(1970, 1, 1),
                        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 14)
                      ) + 14
                    ) AS "expires_on"
                  FROM (
                    SELECT
                      "t10".*
                      EXCLUDE ("owner", "survivor")
                    FROM (
                      SELECT
                        "t9"."agreement_id",
                        COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                        "t9"."program",
                        "t9"."sa",
                        "t9"."start_on",
                        "t9"."end_on",
                        "t9"."value",
                        "t9"."currency",
                        "t9"."renewed_from",
                        "t9"."partner_id",
                        "t9"."cancelled_on",
                        "t9"."owner",
                        "t9"."survivor"
                      FROM (
                        SELECT
                          "t8"."agreement_id",
                          "t8"."account_id",
                          "t8"."program",
                          "t8"."sa",
                          "t8"."start_on",
                          "t8"."end_on",
                          "t8"."value",
                          "t8"."currency",
                          "t8"."renewed_from",
                          "t8"."partner_id",
                          "t8"."cancelled_on",
                          "t7"."owner",
                          "t7"."survivor"
                        FROM (
                          SELECT
                            *
                          FROM "agreements" AS "t1"
                          WHERE
                            "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                            AND (
                              (
                                "t1"."cancelled_on" IS NULL
                              )
                              OR (
                                "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                              )
                            )
                        ) AS "t8"
                        LEFT OUTER JOIN (
                          SELECT
                            "t2"."account_id" AS "owner",
                            "t2"."merged_into" AS "survivor"
                          FROM "accounts" AS "t2"
                          WHERE
                            "t2"."merged_into" IS NOT NULL
                        ) AS "t7"
                          ON "t8"."account_id" = "t7"."owner"
                      ) AS "t9"
                    ) AS "t10"
                  ) AS "t11"
                  WHERE
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 5, 1) AND MAKE_DATE(2026, 5, 21)
                ) AS "t24"
                WHERE
                  "t24"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t24"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND "t24"."start_on" <= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t24"."start_on" + INTERVAL '1' MONTH
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t45"
            ) AS "t52"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t25"."account_id",
                  "t25"."agreement_id",
                  "t25"."start_on",
                  "t25"."end_on",
                  "t25"."program",
                  "t25"."sa",
                  "t25"."value",
                  "t25"."partner_id",
                  "t25"."renewed_from",
                  "t25"."due_on",
                  "t25"."expires_on",
                  'sa_activation_process' AS "touch_id",
                  'welcome' AS "stage_id",
                  "t25"."agreement_id" AS "cycle"
                FROM (
                  SELECT
                    "t11"."account_id",
                    "t11"."agreement_id",
                    "t11"."start_on",
                    "t11"."end_on",
                    "t11"."program",
                    "t11"."sa",
                    "t11"."value",
                    "t11"."partner_id",
                    "t11"."renewed_from",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 21) AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF(
                        'DAY',
                        MAKE_DATE(1970, 1, 1),
                        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 21)
                      ) + 14
                    ) AS "expires_on"
                  FROM (
                    SELECT
                      "t10".*
                      EXCLUDE ("owner", "survivor")
                    FROM (
                      SELECT
                        "t9"."agreement_id",
                        COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                        "t9"."program",
                        "t9"."sa",
                        "t9"."start_on",
                        "t9"."end_on",
                        "t9"."value",
                        "t9"."currency",
                        "t9"."renewed_from",
                        "t9"."partner_id",
                        "t9"."cancelled_on",
                        "t9"."owner",
                        "t9"."survivor"
                      FROM (
                        SELECT
                          "t8"."agreement_id",
                          "t8"."account_id",
                          "t8"."program",
                          "t8"."sa",
                          "t8"."start_on",
                          "t8"."end_on",
                          "t8"."value",
                          "t8"."currency",
                          "t8"."renewed_from",
                          "t8"."partner_id",
                          "t8"."cancelled_on",
                          "t7"."owner",
                          "t7"."survivor"
                        FROM (
                          SELECT
                            *
                          FROM "agreements" AS "t1"
                          WHERE
                            "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                            AND (
                              (
                                "t1"."cancelled_on" IS NULL
                              )
                              OR (
                                "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                              )
                            )
                        ) AS "t8"
                        LEFT OUTER JOIN (
                          SELECT
                            "t2"."account_id" AS "owner",
                            "t2"."merged_into" AS "survivor"
                          FROM "accounts" AS "t2"
                          WHERE
                            "t2"."merged_into" IS NOT NULL
                        ) AS "t7"
                          ON "t8"."account_id" = "t7"."owner"
                      ) AS "t9"
                    ) AS "t10"
                  ) AS "t11"
                  WHERE
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 4, 24) AND MAKE_DATE(2026, 5, 14)
                ) AS "t25"
                WHERE
                  "t25"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t25"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND "t25"."start_on" <= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t25"."start_on" + INTERVAL '1' MONTH
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t46"
              UNION ALL
              SELECT
                *
              FROM (
                SELECT
                  "t26"."account_id",
                  "t26"."agreement_id",
                  "t26"."start_on",
                  "t26"."end_on",
                  "t26"."program",
                  "t26"."sa",
                  "t26"."value",
                  "t26"."partner_id",
                  "t26"."renewed_from",
                  "t26"."due_on",
                  "t26"."expires_on",
                  'promotion_gift_application' AS "touch_id",
                  'welcome' AS "stage_id",
                  "t26"."agreement_id" AS "cycle"
                FROM (
                  SELECT
                    "t11"."account_id",
                    "t11"."agreement_id",
                    "t11"."start_on",
                    "t11"."end_on",
                    "t11"."program",
                    "t11"."sa",
                    "t11"."value",
                    "t11"."partner_id",
                    "t11"."renewed_from",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 24) AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF(
                        'DAY',
                        MAKE_DATE(1970, 1, 1),
                        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 24)
                      ) + 14
                    ) AS "expires_on"
                  FROM (
                    SELECT
                      "t10".*
                      EXCLUDE ("owner", "survivor")
                    FROM (
                      SELECT
                        "t9"."agreement_id",
                        COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                        "t9"."program",
                        "t9"."sa",
                        "t9"."start_on",
                        "t9"."end_on",
                        "t9"."value",
                        "t9"."currency",
                        "t9"."renewed_from",
                        "t9"."partner_id",
                        "t9"."cancelled_on",
                        "t9"."owner",
                        "t9"."survivor"
                      FROM (
                        SELECT
                          "t8"."agreement_id",
                          "t8"."account_id",
                          "t8"."program",
                          "t8"."sa",
                          "t8"."start_on",
                          "t8"."end_on",
                          "t8"."value",
                          "t8"."currency",
                          "t8"."renewed_from",
                          "t8"."partner_id",
                          "t8"."cancelled_on",
                          "t7"."owner",
                          "t7"."survivor"
                        FROM (
                          SELECT
                            *
                          FROM "agreements" AS "t1"
                          WHERE
                            "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                            AND (
                              (
                                "t1"."cancelled_on" IS NULL
                              )
                              OR (
                                "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                              )
                            )
                        ) AS "t8"
                        LEFT OUTER JOIN (
                          SELECT
                            "t2"."account_id" AS "owner",
                            "t2"."merged_into" AS "survivor"
                          FROM "accounts" AS "t2"
                          WHERE
                            "t2"."merged_into" IS NOT NULL
                        ) AS "t7"
                          ON "t8"."account_id" = "t7"."owner"
                      ) AS "t9"
                    ) AS "t10"
                  ) AS "t11"
                  WHERE
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 4, 21) AND MAKE_DATE(2026, 5, 11)
                ) AS "t26"
                WHERE
                  "t26"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t26"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND "t26"."start_on" <= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t26"."start_on" + INTERVAL '1' MONTH
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t47"
            ) AS "t53"
          ) AS "t58"
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t27"."account_id",
                  "t27"."agreement_id",
                  "t27"."start_on",
                  "t27"."end_on",
                  "t27"."program",
                  "t27"."sa",
                  "t27"."value",
                  "t27"."partner_id",
                  "t27"."renewed_from",
                  "t27"."due_on",
                  "t27"."expires_on",
                  'core_io_profiling' AS "touch_id",
                  'deploy' AS "stage_id",
                  "t27"."agreement_id" AS "cycle"
                FROM (
                  SELECT
                    "t11"."account_id",
                    "t11"."agreement_id",
                    "t11"."start_on",
                    "t11"."end_on",
                    "t11"."program",
                    "t11"."sa",
                    "t11"."value",
                    "t11"."partner_id",
                    "t11"."renewed_from",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 42) AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF(
                        'DAY',
                        MAKE_DATE(1970, 1, 1),
                        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 42)
                      ) + 30
                    ) AS "expires_on"
                  FROM (
                    SELECT
                      "t10".*
                      EXCLUDE ("owner", "survivor")
                    FROM (
                      SELECT
                        "t9"."agreement_id",
                        COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                        "t9"."program",
                        "t9"."sa",
                        "t9"."start_on",
                        "t9"."end_on",
                        "t9"."value",
                        "t9"."currency",
                        "t9"."renewed_from",
                        "t9"."partner_id",
                        "t9"."cancelled_on",
                        "t9"."owner",
                        "t9"."survivor"
                      FROM (
                        SELECT
                          "t8"."agreement_id",
                          "t8"."account_id",
                          "t8"."program",
                          "t8"."sa",
                          "t8"."start_on",
                          "t8"."end_on",
                          "t8"."value",
                          "t8"."currency",
                          "t8"."renewed_from",
                          "t8"."partner_id",
                          "t8"."cancelled_on",
                          "t7"."owner",
                          "t7"."survivor"
                        FROM (
                          SELECT
                            *
                          FROM "agreements" AS "t1"
                          WHERE
                            "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                            AND (
                              (
                                "t1"."cancelled_on" IS NULL
                              )
                              OR (
                                "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                              )
                            )
                        ) AS "t8"
                        LEFT OUTER JOIN (
                          SELECT
                            "t2"."account_id" AS "owner",
                            "t2"."merged_into" AS "survivor"
                          FROM "accounts" AS "t2"
                          WHERE
                            "t2"."merged_into" IS NOT NULL
                        ) AS "t7"
                          ON "t8"."account_id" = "t7"."owner"
                      ) AS "t9"
                    ) AS "t10"
                  ) AS "t11"
                  WHERE
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 3, 18) AND MAKE_DATE(2026, 4, 23)
                ) AS "t27"
                WHERE
                  "t27"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t27"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t27"."start_on" + INTERVAL '1' MONTH
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t27"."start_on" + INTERVAL '4' MONTH
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t48"
              UNION ALL
              SELECT
                *
              FROM (
                SELECT
                  "t18"."account_id",
                  "t18"."agreement_id",
                  "t18"."start_on",
                  "t18"."end_on",
                  "t18"."program",
                  "t18"."sa",
                  "t18"."value",
                  "t18"."partner_id",
                  "t18"."renewed_from",
                  "t18"."due_on",
                  "t18"."expires_on",
                  'training_program_list' AS "touch_id",
                  'deploy' AS "stage_id",
                  "t18"."agreement_id" AS "cycle"
                FROM (
                  SELECT
                    "t11"."account_id",
                    "t11"."agreement_id",
                    "t11"."start_on",
                    "t11"."end_on",
                    "t11"."program",
                    "t11"."sa",
                    "t11"."value",
                    "t11"."partner_id",
                    "t11"."renewed_from",
                    "t11"."start_on" + INTERVAL '2' MONTH AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on" + INTERVAL '2' MONTH) + 14
                    ) AS "expires_on"
                  FROM (
                    SELECT
                      "t10".*
                      EXCLUDE ("owner", "survivor")
                    FROM (
                      SELECT
                        "t9"."agreement_id",
                        COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                        "t9"."program",
                        "t9"."sa",
                        "t9"."start_on",
                        "t9"."end_on",
                        "t9"."value",
                        "t9"."currency",
                        "t9"."renewed_from",
                        "t9"."partner_id",
                        "t9"."cancelled_on",
                        "t9"."owner",
                        "t9"."survivor"
                      FROM (
                        SELECT
                          "t8"."agreement_id",
                          "t8"."account_id",
                          "t8"."program",
                          "t8"."sa",
                          "t8"."start_on",
                          "t8"."end_on",
                          "t8"."value",
                          "t8"."currency",
                          "t8"."renewed_from",
                          "t8"."partner_id",
                          "t8"."cancelled_on",
                          "t7"."owner",
                          "t7"."survivor"
                        FROM (
                          SELECT
                            *
                          FROM "agreements" AS "t1"
                          WHERE
                            "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                            AND (
                              (
                                "t1"."cancelled_on" IS NULL
                              )
                              OR (
                                "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                              )
                            )
                        ) AS "t8"
                        LEFT OUTER JOIN (
                          SELECT
                            "t2"."account_id" AS "owner",
                            "t2"."merged_into" AS "survivor"
                          FROM "accounts" AS "t2"
                          WHERE
                            "t2"."merged_into" IS NOT NULL
                        ) AS "t7"
                          ON "t8"."account_id" = "t7"."owner"
                      ) AS "t9"
                    ) AS "t10"
                  ) AS "t11"
                  WHERE
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 3, 15) AND MAKE_DATE(2026, 4, 4)
                ) AS "t18"
                WHERE
                  "t18"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t18"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t18"."start_on" + INTERVAL '1' MONTH
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t18"."start_on" + INTERVAL '4' MONTH
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t37"
            ) AS "t54"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t28"."account_id",
                  "t28"."agreement_id",
                  "t28"."start_on",
                  "t28"."end_on",
                  "t28"."program",
                  "t28"."sa",
                  "t28"."value",
                  "t28"."partner_id",
                  "t28"."renewed_from",
                  "t28"."due_on",
                  "t28"."expires_on",
                  'end_user_promotion' AS "touch_id",
                  'deploy' AS "stage_id",
                  "t28"."agreement_id" AS "cycle"
                FROM (
                  SELECT
                    "t11"."account_id",
                    "t11"."agreement_id",
                    "t11"."start_on",
                    "t11"."end_on",
                    "t11"."program",
                    "t11"."sa",
                    "t11"."value",
                    "t11"."partner_id",
                    "t11"."renewed_from",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 70) AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF(
                        'DAY',
                        MAKE_DATE(1970, 1, 1),
                        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 70)
                      ) + 14
                    ) AS "expires_on"
                  FROM (
                    SELECT
                      "t10".*
                      EXCLUDE ("owner", "survivor")
                    FROM (
                      SELECT
                        "t9"."agreement_id",
                        COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                        "t9"."program",
                        "t9"."sa",
                        "t9"."start_on",
                        "t9"."end_on",
                        "t9"."value",
                        "t9"."currency",
                        "t9"."renewed_from",
                        "t9"."partner_id",
                        "t9"."cancelled_on",
                        "t9"."owner",
                        "t9"."survivor"
                      FROM (
                        SELECT
                          "t8"."agreement_id",
                          "t8"."account_id",
                          "t8"."program",
                          "t8"."sa",
                          "t8"."start_on",
                          "t8"."end_on",
                          "t8"."value",
                          "t8"."currency",
                          "t8"."renewed_from",
                          "t8"."partner_id",
                          "t8"."cancelled_on",
                          "t7"."owner",
                          "t7"."survivor"
                        FROM (
                          SELECT
                            *
                          FROM "agreements" AS "t1"
                          WHERE
                            "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                            AND (
                              (
                                "t1"."cancelled_on" IS NULL
                              )
                              OR (
                                "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                              )
                            )
                        ) AS "t8"
                        LEFT OUTER JOIN (
                          SELECT
                            "t2"."account_id" AS "owner",
                            "t2"."merged_into" AS "survivor"
                          FROM "accounts" AS "t2"
                          WHERE
                            "t2"."merged_into" IS NOT NULL
                        ) AS "t7"
                          ON "t8"."account_id" = "t7"."owner"
                      ) AS "t9"
                    ) AS "t10"
                  ) AS "t11"
                  WHERE
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 3, 6) AND MAKE_DATE(2026, 3, 26)
                ) AS "t28"
                WHERE
                  "t28"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t28"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t28"."start_on" + INTERVAL '1' MONTH
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t28"."start_on" + INTERVAL '4' MONTH
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t49"
              UNION ALL
              SELECT
                *
              FROM (
                SELECT
                  "t11"."account_id",
                  "t11"."agreement_id",
                  "t11"."start_on",
                  "t11"."end_on",
                  "t11"."program",
                  "t11"."sa",
                  "t11"."value",
                  "t11"."partner_id",
                  "t11"."renewed_from",
                  "t11"."start_on" + INTERVAL '3' MONTH AS "due_on",
                  "t11"."start_on" + INTERVAL '4' MONTH AS "expires_on",
                  'core_io_profiling_reminder' AS "touch_id",
                  'deploy' AS "stage_id",
                  "t11"."agreement_id" AS "cycle"
                FROM (
                  SELECT
                    "t10".*
                    EXCLUDE ("owner", "survivor")
                  FROM (
                    SELECT
                      "t9"."agreement_id",
                      COALESCE("t9"."survivor", "t9"."account_id") AS "account_id",
                      "t9"."program",
                      "t9"."sa",
                      "t9"."start_on",
                      "t9"."end_on",
                      "t9"."value",
                      "t9"."currency",
                      "t9"."renewed_from",
                      "t9"."partner_id",
                      "t9"."cancelled_on",
                      "t9"."owner",
                      "t9"."survivor"
                    FROM (
                      SELECT
                        "t8"."agreement_id",
                        "t8"."account_id",
                        "t8"."program",
                        "t8"."sa",
                        "t8"."start_on",
                        "t8"."end_on",
                        "t8"."value",
                        "t8"."currency",
                        "t8"."renewed_from",
                        "t8"."partner_id",
                        "t8"."cancelled_on",
                        "t7"."owner",
                        "t7"."survivor"
                      FROM (
                        SELECT
                          *
                        FROM "agreements" AS "t1"
                        WHERE
                          "t1"."start_on" <= MAKE_DATE(2026, 6, 1)
                          AND (
                            (
                              "t1"."cancelled_on" IS NULL
                            )
                            OR (
                              "t1"."cancelled_on" > MAKE_DATE(2026, 6, 1)
                            )
                          )
                      ) AS "t8"
                      LEFT OUTER JOIN (
                        SELECT
                          "t2"."account_id" AS "owner",
                          "t2"."merged_into" AS "survivor"
                        FROM "accounts" AS "t2"
                        WHERE
                          "t2"."merged_into" IS NOT NULL
                      ) AS "t7"
                        ON "t8"."account_id" = "t7"."owner"
                    ) AS "t9"
                  ) AS "t10"
                ) AS "t11"
                WHERE
                  "t11"."start_on" <= MAKE_DATE(2026, 3, 4)
                  AND (
                    "t11"."start_on" + INTERVAL '3' MONTH
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t11"."start_on" + INTERVAL '4' MONTH
                  ) >= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t11"."start_on" + INTERVAL '1' MONTH
                  ) <= MAKE_DATE(2026, 6, 1)
              ) AS "t12"
            ) AS "t55"
          ) AS "t59"
        ) AS "t60"
      ) AS "t70"
    ) AS "t72"
    LEFT OUTER JOIN (
      SELECT
        "t0"."touch_id",
        "t0"."account_id",
        "t0"."cycle",
        "t0"."touch_uid" AS "known_uid",
        "t0"."status" AS "known_status",
        "t0"."planned_on" AS "known_planned_on"
      FROM "touches" AS "t0"
      WHERE
        "t0"."program_id" = 'smb-customer-care'
    ) AS "t5"
      ON "t72"."touch_id" = "t5"."touch_id"
      AND "t72"."account_id" = "t5"."account_id"
      AND "t72"."cycle" = "t5"."cycle"
  ) AS "t73"
) AS "t74"
WHERE
  (
    "t74"."known_status" IS NULL
  )
  OR (
    (
      "t74"."known_status" = 'deferred'
    )
    AND (
      "t74"."known_planned_on" <= MAKE_DATE(2026, 6, 1)
    )
  )

-- eligible, over the settled due touches
WITH "t5" AS (
  SELECT DISTINCT
    "t0"."account_id",
    "t0"."agreement_id",
    "t0"."start_on",
    "t0"."end_on",
    "t0"."program",
    "t0"."sa",
    "t0"."value",
    "t0"."partner_id",
    "t0"."renewed_from"
  FROM "due_touches" AS "t0"
), "t17" AS (
  SELECT DISTINCT
    "t6"."account_id",
    "t6"."agreement_id"
  FROM "t5" AS "t6"
)
SELECT
  *
FROM (
  SELECT
    "t4"."account_id",
    "t4"."agreement_id",
    "t4"."start_on",
    "t4"."end_on",
    "t4"."program",
    "t4"."sa",
    "t4"."value",
    "t4"."partner_id",
    "t4"."renewed_from",
    "t4"."due_on",
    "t4"."expires_on",
    "t4"."touch_id",
    "t4"."stage_id",
    "t4"."cycle",
    "t4"."known_uid",
    "t4"."known_status",
    "t4"."known_planned_on",
    "t70"."agreement__program",
    "t70"."agreement__sa",
    "t70"."agreement__start_on",
    "t70"."agreement__end_on",
    "t70"."agreement__value",
    "t70"."agreement__partner_id",
    "t70"."agreement__renewal",
    "t70"."agreement__term_months",
    "t70"."agreement__months_since_start",
    "t70"."agreement__days_to_end",
    "t70"."orders__count",
    "t70"."orders__count_12m",
    "t70"."orders__first_on",
    "t70"."orders__last_on",
    "t70"."orders__days_since_last",
    "t70"."received__0",
    "t70"."received__1",
    "t70"."received__2",
    "t70"."received__3"
  FROM "due_touches" AS "t4"
  INNER JOIN (
    SELECT
      "t68"."account_id",
      "t68"."agreement_id",
      "t68"."agreement__program",
      "t68"."agreement__sa",
      "t68"."agreement__start_on",
      "t68"."agreement__end_on",
      "t68"."agreement__value",
      "t68"."agreement__partner_id",
      "t68"."agreement__renewal",
      "t68"."agreement__term_months",
      "t68"."agreement__months_since_start",
      "t68"."agreement__days_to_end",
      "t68"."orders__count",
      "t68"."orders__count_12m",
      "t68"."orders__first_on",
      "t68"."orders__last_on",
      "t68"."orders__days_since_last",
      "t68"."received__0",
      "t68"."received__1",
      "t68"."received__2",
      COALESCE("t68"."received__3", FALSE) AS "received__3"
    FROM (
      SELECT
        "t67".*
        EXCLUDE ("account_id_right", "agreement_id_right")
      FROM (
        SELECT
          "t66"."account_id",
          "t66"."agreement_id",
          "t66"."start_on",
          "t66"."end_on",
          "t66"."program",
          "t66"."sa",
          "t66"."value",
          "t66"."partner_id",
          "t66"."renewed_from",
          "t66"."agreement__program",
          "t66"."agreement__sa",
          "t66"."agreement__start_on",
          "t66"."agreement__end_on",
          "t66"."agreement__value",
          "t66"."agreement__partner_id",
          "t66"."agreement__renewal",
          "t66"."agreement__term_months",
          "t66"."agreement__months_since_start",
          "t66"."agreement__days_to_end",
          "t66"."orders__count",
          "t66"."orders__count_12m",
          "t66"."orders__first_on",
          "t66"."orders__last_on",
          "t66"."orders__days_since_last",
          "t66"."received__0",
          "t66"."received__1",
          "t66"."received__2",
          "t42"."account_id" AS "account_id_right",
          "t42"."agreement_id" AS "agreement_id_right",
          "t42"."received__3"
        FROM (
          SELECT
            "t64"."account_id",
            "t64"."agreement_id",
            "t64"."start_on",
            "t64"."end_on",
            "t64"."program",
            "t64"."sa",
            "t64"."value",
            "t64"."partner_id",
            "t64"."renewed_from",
            "t64"."agreement__program",
            "t64"."agreement__sa",
            "t64"."agreement__start_on",
            "t64"."agreement__end_on",
            "t64"."agreement__value",
            "t64"."agreement__partner_id",
            "t64"."agreement__renewal",
            "t64"."agreement__term_months",
            "t64"."agreement__months_since_start",
            "t64"."agreement__days_to_end",
            "t64"."orders__count",
            "t64"."orders__count_12m",
            "t64"."orders__first_on",
            "t64"."orders__last_on",
            "t64"."orders__days_since_last",
            "t64"."received__0",
            "t64"."received__1",
            COALESCE("t64"."received__2", FALSE) AS "received__2"
          FROM (
            SELECT
              "t63".*
              EXCLUDE ("account_id_right")
            FROM (
              SELECT
                "t62"."account_id",
                "t62"."agreement_id",
                "t62"."start_on",
                "t62"."end_on",
                "t62"."program",
                "t62"."sa",
                "t62"."value",
                "t62"."partner_id",
                "t62"."renewed_from",
                "t62"."agreement__program",
                "t62"."agreement__sa",
                "t62"."agreement__start_on",
                "t62"."agreement__end_on",
                "t62"."agreement__value",
                "t62"."agreement__partner_id",
                "t62"."agreement__renewal",
                "t62"."agreement__term_months",
                "t62"."agreement__months_since_start",
                "t62"."agreement__days_to_end",
                "t62"."orders__count",
                "t62"."orders__count_12m",
                "t62"."orders__first_on",
                "t62"."orders__last_on",
                "t62"."orders__days_since_last",
                "t62"."received__0",
                "t62"."received__1",
                "t43"."account_id" AS "account_id_right",
                "t43"."received__2"
              FROM (
                SELECT
                  "t60"."account_id",
                  "t60"."agreement_id",
                  "t60"."start_on",
                  "t60"."end_on",
                  "t60"."program",
                  "t60"."sa",
                  "t60"."value",
                  "t60"."partner_id",
                  "t60"."renewed_from",
                  "t60"."agreement__program",
                  "t60"."agreement__sa",
                  "t60"."agreement__start_on",
                  "t60"."agreement__end_on",
                  "t60"."agreement__value",
                  "t60"."agreement__partner_id",
                  "t60"."agreement__renewal",
                  "t60"."agreement__term_months",
                  "t60"."agreement__months_since_start",
                  "t60"."agreement__days_to_end",
                  "t60"."orders__count",
                  "t60"."orders__count_12m",
                  "t60"."orders__first_on",
                  "t60"."orders__last_on",
                  "t60"."orders__days_since_last",
                  "t60"."received__0",
                  COALESCE("t60"."received__1", FALSE) AS "received__1"
                FROM (
                  SELECT
                    "t59".*
                    EXCLUDE ("account_id_right", "agreement_id_right")
                  FROM (
                    SELECT
                      "t58"."account_id",
                      "t58"."agreement_id",
                      "t58"."start_on",
                      "t58"."end_on",
                      "t58"."program",
                      "t58"."sa",
                      "t58"."value",
                      "t58"."partner_id",
                      "t58"."renewed_from",
                      "t58"."agreement__program",
                      "t58"."agreement__sa",
                      "t58"."agreement__start_on",
                      "t58"."agreement__end_on",
                      "t58"."agreement__value",
                      "t58"."agreement__partner_id",
                      "t58"."agreement__renewal",
                      "t58"."agreement__term_months",
                      "t58"."agreement__months_since_start",
                      "t58"."agreement__days_to_end",
                      "t58"."orders__count",
                      "t58"."orders__count_12m",
                      "t58"."orders__first_on",
                      "t58"."orders__last_on",
                      "t58"."orders__days_since_last",
                      "t58"."received__0",
                      "t44"."account_id" AS "account_id_right",
                      "t44"."agreement_id" AS "agreement_id_right",
                      "t44"."received__1"
                    FROM (
                      SELECT
                        "t56"."account_id",
                        "t56"."agreement_id",
                        "t56"."start_on",
                        "t56"."end_on",
                        "t56"."program",
                        "t56"."sa",
                        "t56"."value",
                        "t56"."partner_id",
                        "t56"."renewed_from",
                        "t56"."agreement__program",
                        "t56"."agreement__sa",
                        "t56"."agreement__start_on",
                        "t56"."agreement__end_on",
                        "t56"."agreement__value",
                        "t56"."agreement__partner_id",
                        "t56"."agreement__renewal",
                        "t56"."agreement__term_months",
                        "t56"."agreement__months_since_start",
                        "t56"."agreement__days_to_end",
                        "t56"."orders__count",
                        "t56"."orders__count_12m",
                        "t56"."orders__first_on",
                        "t56"."orders__last_on",
                        "t56"."orders__days_since_last",
                        COALESCE("t56"."received__0", FALSE) AS "received__0"
                      FROM (
                        SELECT
                          "t55".*
                          EXCLUDE ("account_id_right", "agreement_id_right")
                        FROM (
                          SELECT
                            "t54"."account_id",
                            "t54"."agreement_id",
                            "t54"."start_on",
                            "t54"."end_on",
                            "t54"."program",
                            "t54"."sa",
                            "t54"."value",
                            "t54"."partner_id",
                            "t54"."renewed_from",
                            "t54"."agreement__program",
                            "t54"."agreement__sa",
                            "t54"."agreement__start_on",
                            "t54"."agreement__end_on",
                            "t54"."agreement__value",
                            "t54"."agreement__partner_id",
                            "t54"."agreement__renewal",
                            "t54"."agreement__term_months",
                            "t54"."agreement__months_since_start",
                            "t54"."agreement__days_to_end",
                            "t54"."orders__count",
                            "t54"."orders__count_12m",
                            "t54"."orders__first_on",
                            "t54"."orders__last_on",
                            "t54"."orders__days_since_last",
                            "t49"."account_id" AS "account_id_right",
                            "t49"."agreement_id" AS "agreement_id_right",
                            "t49"."received__0"
                          FROM (
                            SELECT
                              "t52".*
                              EXCLUDE ("account_id_right")
                            FROM (
                              SELECT
                                "t37"."account_id",
                                "t37"."agreement_id",
                                "t37"."start_on",
                                "t37"."end_on",
                                "t37"."program",
                                "t37"."sa",
                                "t37"."value",
                                "t37"."partner_id",
                                "t37"."renewed_from",
                                "t37"."agreement__program",
                                "t37"."agreement__sa",
                                "t37"."agreement__start_on",
                                "t37"."agreement__end_on",
                                "t37"."agreement__value",
                                "t37"."agreement__partner_id",
                                "t37"."agreement__renewal",
                                "t37"."agreement__term_months",
                                "t37"."agreement__months_since_start",
                                "t37"."agreement__days_to_end",
                                "t51"."account_id" AS "account_id_right",
                                "t51"."orders__count",
                                "t51"."orders__count_12m",
                                "t51"."orders__first_on",
                                "t51"."orders__last_on",
                                "t51"."orders__days_since_last"
                              FROM (
                                SELECT
                                  "t6"."account_id",
                                  "t6"."agreement_id",
                                  "t6"."start_on",
                                  "t6"."end_on",
                                  "t6"."program",
                                  "t6"."sa",
                                  "t6"."value",
                                  "t6"."partner_id",
                                  "t6"."renewed_from",
                                  "t6"."program" AS "agreement__program",
                                  "t6"."sa" AS "agreement__sa",
                                  "t6"."start_on" AS "agreement__start_on",
                                  "t6"."end_on" AS "agreement__end_on",
                                  CAST("t6"."value" AS DOUBLE) AS "agreement__value",
                                  "t6"."partner_id" AS "agreement__partner_id",
                                  "t6"."renewed_from" IS NOT NULL AS "agreement__renewal",
                                  (
                                    (
                                      (
                                        (
                                          EXTRACT(year FROM MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t6"."end_on") + 1)) - EXTRACT(year FROM "t6"."start_on")
                                        ) * 12
                                      ) + EXTRACT(month FROM MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t6"."end_on") + 1))
                                    ) - EXTRACT(month FROM "t6"."start_on")
                                  ) - CASE
                                    WHEN EXTRACT(day FROM MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t6"."end_on") + 1)) < EXTRACT(day FROM "t6"."start_on")
                                    THEN 1
                                    ELSE 0
                                  END AS "agreement__term_months",
                                  (
                                    (
                                      (
                                        (
                                          EXTRACT(year FROM MAKE_DATE(2026, 6, 1)) - EXTRACT(year FROM "t6"."start_on")
                                        ) * 12
                                      ) + EXTRACT(month FROM MAKE_DATE(2026, 6, 1))
                                    ) - EXTRACT(month FROM "t6"."start_on")
                                  ) - CASE
                                    WHEN EXTRACT(day FROM MAKE_DATE(2026, 6, 1)) < EXTRACT(day FROM "t6"."start_on")
                                    THEN 1
                                    ELSE 0
                                  END AS "agreement__months_since_start",
                                  DATE_DIFF('DAY', MAKE_DATE(2026, 6, 1), "t6"."end_on") AS "agreement__days_to_end"
                                FROM "t5" AS "t6"
                              ) AS "t37"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t47"."account_id",
                                  "t47"."orders__count",
                                  "t47"."orders__count_12m",
                                  "t47"."orders__first_on",
                                  "t47"."orders__last_on",
                                  DATE_DIFF('DAY', "t47"."orders__last_on", MAKE_DATE(2026, 6, 1)) AS "orders__days_since_last"
                                FROM (
                                  SELECT
                                    "t41"."account_id",
                                    COUNT(*) AS "orders__count",
                                    SUM(CAST("t41"."ordered_on" > MAKE_DATE(2025, 6, 1) AS INT)) AS "orders__count_12m",
                                    MIN("t41"."ordered_on") AS "orders__first_on",
                                    MAX("t41"."ordered_on") AS "orders__last_on"
                                  FROM (
                                    SELECT
                                      "t31"."order_id",
                                      "t31"."account_id",
                                      "t31"."ordered_on",
                                      "t31"."partner_id",
                                      "t31"."agreement_id",
                                      "t31"."currency",
                                      "t31"."status"
                                    FROM (
                                      SELECT
                                        "t25".*
                                        EXCLUDE ("owner", "survivor")
                                      FROM (
                                        SELECT
                                          "t23"."order_id",
                                          COALESCE("t23"."survivor", "t23"."account_id") AS "account_id",
                                          "t23"."ordered_on",
                                          "t23"."partner_id",
                                          "t23"."agreement_id",
                                          "t23"."currency",
                                          "t23"."status",
                                          "t23"."owner",
                                          "t23"."survivor"
                                        FROM (
                                          SELECT
                                            "t14"."order_id",
                                            "t14"."account_id",
                                            "t14"."ordered_on",
                                            "t14"."partner_id",
                                            "t14"."agreement_id",
                                            "t14"."currency",
                                            "t14"."status",
                                            "t15"."owner",
                                            "t15"."survivor"
                                          FROM (
                                            SELECT
                                              *
                                            FROM "orders" AS "t2"
                                            WHERE
                                              "t2"."status" = 'booked' AND "t2"."ordered_on" <= MAKE_DATE(2026, 6, 1)
                                          ) AS "t14"
                                          LEFT OUTER JOIN (
                                            SELECT
                                              "t3"."account_id" AS "owner",
                                              "t3"."merged_into" AS "survivor"
                                            FROM "accounts" AS "t3"
                                            WHERE
                                              "t3"."merged_into" IS NOT NULL
                                          ) AS "t15"
                                            ON "t14"."account_id" = "t15"."owner"
                                        ) AS "t23"
                                      ) AS "t25"
                                    ) AS "t31"
                                    SEMI JOIN (
                                      SELECT DISTINCT
                                        "t6"."account_id"
                                      FROM "t5" AS "t6"
                                    ) AS "t19"
                                      ON "t31"."account_id" = "t19"."account_id"
                                  ) AS "t41"
                                  GROUP BY
                                    1
                                ) AS "t47"
                              ) AS "t51"
                                ON "t37"."account_id" = "t51"."account_id"
                            ) AS "t52"
                          ) AS "t54"
                          LEFT OUTER JOIN (
                            SELECT
                              "t46"."account_id",
                              "t46"."agreement_id",
                              TRUE AS "received__0"
                            FROM (
                              SELECT DISTINCT
                                *
                              FROM (
                                SELECT
                                  "t21"."account_id",
                                  "t21"."agreement_id"
                                FROM "t17" AS "t21"
                                INNER JOIN (
                                  SELECT
                                    "t18"."account_id" AS "owner",
                                    "t18"."agreement_id" AS "done"
                                  FROM (
                                    SELECT
                                      *
                                    FROM "touches" AS "t1"
                                    WHERE
                                      NOT (
                                        "t1"."status" IN ('deferred', 'suppressed', 'dropped', 'expired', 'cancelled', 'bounced', 'failed')
                                      )
                                      AND "t1"."program_id" = 'smb-customer-care'
                                      AND "t1"."touch_id" = 'welcome_call'
                                      AND "t1"."planned_on" <= MAKE_DATE(2026, 6, 1)
                                  ) AS "t18"
                                  SEMI JOIN (
                                    SELECT
                                      "t20"."account_id"
                                    FROM "t17" AS "t20"
                                  ) AS "t24"
                                    ON "t18"."account_id" = "t24"."account_id"
                                ) AS "t32"
                                  ON "t21"."account_id" = "t32"."owner" AND "t21"."agreement_id" <> "t32"."done"
                              ) AS "t45"
                            ) AS "t46"
                          ) AS "t49"
                            ON "t54"."account_id" = "t49"."account_id"
                            AND "t54"."agreement_id" = "t49"."agreement_id"
                        ) AS "t55"
                      ) AS "t56"
                    ) AS "t58"
                    LEFT OUTER JOIN (
                      SELECT
                        "t35"."account_id",
                        "t35"."agreement_id",
                        TRUE AS "received__1"
                      FROM (
                        SELECT DISTINCT
                          *
                        FROM (
                          SELECT
                            "t12"."account_id",
                            "t12"."agreement_id"
                          FROM (
                            SELECT
                              *
                            FROM "touches" AS "t1"
                            WHERE
                              "t1"."status" IN ('completed')
                              AND "t1"."program_id" = 'smb-customer-care'
                              AND "t1"."touch_id" = 'welcome_call'
                              AND "t1"."planned_on" <= MAKE_DATE(2026, 6, 1)
                          ) AS "t12"
                          SEMI JOIN (
                            SELECT
                              "t20"."account_id"
                            FROM "t17" AS "t20"
                          ) AS "t24"
                            ON "t12"."account_id" = "t24"."account_id"
                        ) AS "t29"
                      ) AS "t35"
                    ) AS "t44"
                      ON "t58"."account_id" = "t44"."account_id"
                      AND "t58"."agreement_id" = "t44"."agreement_id"
                  ) AS "t59"
                ) AS "t60"
              ) AS "t62"
              LEFT OUTER JOIN (
                SELECT
                  "t34"."account_id",
                  TRUE AS "received__2"
                FROM (
                  SELECT DISTINCT
                    *
                  FROM (
                    SELECT
                      "t11"."account_id"
                    FROM (
                      SELECT
                        *
                      FROM "touches" AS "t1"
                      WHERE
                        "t1"."status" IN ('completed')
                        AND "t1"."program_id" = 'smb-customer-care'
                        AND "t1"."touch_id" = 'core_io_profiling'
                        AND "t1"."planned_on" <= MAKE_DATE(2026, 6, 1)
                    ) AS "t11"
                    SEMI JOIN (
                      SELECT
                        "t20"."account_id"
                      FROM "t17" AS "t20"
                    ) AS "t24"
                      ON "t11"."account_id" = "t24"."account_id"
                  ) AS "t28"
                ) AS "t34"
              ) AS "t43"
                ON "t62"."account_id" = "t43"."account_id"
            ) AS "t63"
          ) AS "t64"
        ) AS "t66"
        LEFT OUTER JOIN (
          SELECT
            "t33"."account_id",
            "t33"."agreement_id",
            TRUE AS "received__3"
          FROM (
            SELECT DISTINCT
              *
            FROM (
              SELECT
                "t11"."account_id",
                "t11"."agreement_id"
              FROM (
                SELECT
                  *
                FROM "touches" AS "t1"
                WHERE
                  "t1"."status" IN ('completed')
                  AND "t1"."program_id" = 'smb-customer-care'
                  AND "t1"."touch_id" = 'core_io_profiling'
                  AND "t1"."planned_on" <= MAKE_DATE(2026, 6, 1)
              ) AS "t11"
              SEMI JOIN (
                SELECT
                  "t20"."account_id"
                FROM "t17" AS "t20"
              ) AS "t24"
                ON "t11"."account_id" = "t24"."account_id"
            ) AS "t27"
          ) AS "t33"
        ) AS "t42"
          ON "t66"."account_id" = "t42"."account_id"
          AND "t66"."agreement_id" = "t42"."agreement_id"
      ) AS "t67"
    ) AS "t68"
  ) AS "t70"
    ON "t4"."account_id" = "t70"."account_id"
    AND "t4"."agreement_id" = "t70"."agreement_id"
) AS "t71"
WHERE
  COALESCE(
    "t71"."agreement__program" IN ('open_license', 'open_value', 'select', 'ea', 'olv'),
    FALSE
  )
  AND CASE
    WHEN "t71"."stage_id" = 'welcome'
    THEN NOT (
      "t71"."received__0"
    )
    WHEN "t71"."stage_id" = 'deploy'
    THEN TRUE
    WHEN "t71"."stage_id" = 'use'
    THEN TRUE
    WHEN "t71"."stage_id" = 'renew'
    THEN COALESCE("t71"."agreement__sa" = TRUE, FALSE)
    OR COALESCE("t71"."agreement__program" IN ('ea', 'olv', 'open_value'), FALSE)
    ELSE TRUE
  END
  AND CASE
    WHEN "t71"."touch_id" = 'thank_you_letter'
    THEN TRUE
    WHEN "t71"."touch_id" = 'welcome_call'
    THEN TRUE
    WHEN "t71"."touch_id" = 'free_support_briefing'
    THEN TRUE
    WHEN "t71"."touch_id" = 'sa_benefit_introduction'
    THEN COALESCE("t71"."agreement__sa" = TRUE, FALSE)
    WHEN "t71"."touch_id" = 'sa_activation_process'
    THEN COALESCE("t71"."agreement__sa" = TRUE, FALSE)
    WHEN "t71"."touch_id" = 'promotion_gift_application'
    THEN "t71"."received__1"
    WHEN "t71"."touch_id" = 'core_io_profiling'
    THEN NOT (
      "t71"."received__2"
    )
    WHEN "t71"."touch_id" = 'training_program_list'
    THEN TRUE
    WHEN "t71"."touch_id" = 'end_user_promotion'
    THEN TRUE
    WHEN "t71"."touch_id" = 'core_io_profiling_reminder'
    THEN TRUE
    WHEN "t71"."touch_id" = 'sa_experience_feedback'
    THEN COALESCE("t71"."agreement__sa" = TRUE, FALSE)
    WHEN "t71"."touch_id" = 'usage_tips'
    THEN TRUE
    WHEN "t71"."touch_id" = 'cross_sell_profiling'
    THEN "t71"."received__2"
    WHEN "t71"."touch_id" = 'customer_event_map'
    THEN TRUE
    WHEN "t71"."touch_id" = 'cross_sell_purchase_record'
    THEN COALESCE("t71"."orders__count" >= 1, FALSE)
    WHEN "t71"."touch_id" = 'sa_program'
    THEN COALESCE("t71"."agreement__sa" = TRUE, FALSE)
    WHEN "t71"."touch_id" = 'renew_minus_180'
    THEN TRUE
    WHEN "t71"."touch_id" = 'renew_minus_90'
    THEN TRUE
    WHEN "t71"."touch_id" = 'licence_statement'
    THEN TRUE
    WHEN "t71"."touch_id" = 'renew_minus_45'
    THEN TRUE
    WHEN "t71"."touch_id" = 'renew_minus_0'
    THEN TRUE
    ELSE TRUE
  END
  AND CASE
    WHEN "t71"."touch_id" = 'core_io_profiling_reminder'
    THEN NOT (
      "t71"."received__3"
    )
    ELSE TRUE
  END

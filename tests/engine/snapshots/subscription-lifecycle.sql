-- due touches
SELECT
  *
FROM (
  SELECT
    "t79".*
    EXCLUDE ("account_id_right", "cycle_right", "touch_id_right")
  FROM (
    SELECT
      "t78"."account_id",
      "t78"."agreement_id",
      "t78"."start_on",
      "t78"."end_on",
      "t78"."program",
      "t78"."sa",
      "t78"."value",
      "t78"."partner_id",
      "t78"."renewed_from",
      "t78"."due_on",
      "t78"."expires_on",
      "t78"."touch_id",
      "t78"."stage_id",
      "t78"."cycle",
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
                "t35"."account_id",
                "t35"."agreement_id",
                "t35"."start_on",
                "t35"."end_on",
                "t35"."program",
                "t35"."sa",
                "t35"."value",
                "t35"."partner_id",
                "t35"."renewed_from",
                "t35"."due_on",
                "t35"."expires_on",
                'renewal_call_90d' AS "touch_id",
                'renewal' AS "stage_id",
                "t35"."agreement_id" || '@' || CAST("t35"."end_on" AS TEXT) AS "cycle"
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
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -90) AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    DATE_DIFF(
                      'DAY',
                      MAKE_DATE(1970, 1, 1),
                      MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -90)
                    ) + 10
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
                  "t11"."end_on" BETWEEN MAKE_DATE(2026, 8, 17) AND MAKE_DATE(2026, 9, 2)
              ) AS "t35"
              WHERE
                "t35"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t35"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t35"."end_on") + -120)
                ) <= MAKE_DATE(2026, 6, 1)
                AND "t35"."end_on" >= MAKE_DATE(2026, 6, 1)
            ) AS "t55"
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
                MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -90) AS "due_on",
                "t11"."end_on" AS "expires_on",
                'renewal_rescue' AS "touch_id",
                'renewal' AS "stage_id",
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
                "t11"."end_on" <= MAKE_DATE(2026, 9, 2)
                AND (
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -90)
                ) <= MAKE_DATE(2026, 6, 1)
                AND "t11"."end_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -120)
                ) <= MAKE_DATE(2026, 6, 1)
            ) AS "t18"
          ) AS "t64"
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              *
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
                "t37"."due_on",
                "t37"."expires_on",
                'renewal_reminder_30d' AS "touch_id",
                'renewal' AS "stage_id",
                "t37"."agreement_id" || '@' || CAST("t37"."end_on" AS TEXT) AS "cycle"
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
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -30) AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    DATE_DIFF(
                      'DAY',
                      MAKE_DATE(1970, 1, 1),
                      MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -30)
                    ) + 10
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
                  "t11"."end_on" BETWEEN MAKE_DATE(2026, 6, 18) AND MAKE_DATE(2026, 7, 4)
              ) AS "t37"
              WHERE
                "t37"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t37"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t37"."end_on") + -120)
                ) <= MAKE_DATE(2026, 6, 1)
                AND "t37"."end_on" >= MAKE_DATE(2026, 6, 1)
            ) AS "t57"
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
                'renewal_last_call' AS "touch_id",
                'renewal' AS "stage_id",
                "t38"."agreement_id" || '@' || CAST("t38"."end_on" AS TEXT) AS "cycle"
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
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -7) AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    DATE_DIFF(
                      'DAY',
                      MAKE_DATE(1970, 1, 1),
                      MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -7)
                    ) + 10
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
                  "t11"."end_on" BETWEEN MAKE_DATE(2026, 5, 26) AND MAKE_DATE(2026, 6, 11)
              ) AS "t38"
              WHERE
                "t38"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t38"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t38"."end_on") + -120)
                ) <= MAKE_DATE(2026, 6, 1)
                AND "t38"."end_on" >= MAKE_DATE(2026, 6, 1)
            ) AS "t58"
          ) AS "t66"
        ) AS "t71"
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
                "t12"."account_id",
                "t12"."agreement_id",
                "t12"."start_on",
                "t12"."end_on",
                "t12"."program",
                "t12"."sa",
                "t12"."value",
                "t12"."partner_id",
                "t12"."renewed_from",
                "t12"."due_on",
                "t12"."expires_on",
                'nps_survey' AS "touch_id",
                'advocacy' AS "stage_id",
                "t12"."agreement_id" AS "cycle"
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
                  "t11"."start_on" + INTERVAL '8' MONTH AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on" + INTERVAL '8' MONTH) + 10
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
                  "t11"."start_on" BETWEEN MAKE_DATE(2025, 9, 19) AND MAKE_DATE(2025, 10, 4)
              ) AS "t12"
              WHERE
                "t12"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t12"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  "t12"."start_on" + INTERVAL '6' MONTH
                ) <= MAKE_DATE(2026, 6, 1)
                AND "t12"."end_on" >= MAKE_DATE(2026, 6, 1)
            ) AS "t39"
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
                'referral_invitation' AS "touch_id",
                'advocacy' AS "stage_id",
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
                  "t11"."start_on" + INTERVAL '9' MONTH AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on" + INTERVAL '9' MONTH) + 10
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
                  "t11"."start_on" BETWEEN MAKE_DATE(2025, 8, 19) AND MAKE_DATE(2025, 9, 4)
              ) AS "t13"
              WHERE
                "t13"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t13"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  "t13"."start_on" + INTERVAL '6' MONTH
                ) <= MAKE_DATE(2026, 6, 1)
                AND "t13"."end_on" >= MAKE_DATE(2026, 6, 1)
            ) AS "t40"
          ) AS "t41"
          UNION ALL
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
                'reference_request' AS "touch_id",
                'advocacy' AS "stage_id",
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
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 280) AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    DATE_DIFF(
                      'DAY',
                      MAKE_DATE(1970, 1, 1),
                      MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 280)
                    ) + 10
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
                  "t11"."start_on" BETWEEN MAKE_DATE(2025, 8, 12) AND MAKE_DATE(2025, 8, 28)
              ) AS "t27"
              WHERE
                "t27"."due_on" <= MAKE_DATE(2026, 6, 1)
                AND "t27"."expires_on" >= MAKE_DATE(2026, 6, 1)
                AND (
                  "t27"."start_on" + INTERVAL '6' MONTH
                ) <= MAKE_DATE(2026, 6, 1)
                AND "t27"."end_on" >= MAKE_DATE(2026, 6, 1)
            ) AS "t45"
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
                  'onboarding_welcome' AS "touch_id",
                  'onboarding' AS "stage_id",
                  "t29"."agreement_id" AS "cycle"
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
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 1) AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF(
                        'DAY',
                        MAKE_DATE(1970, 1, 1),
                        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 1)
                      ) + 10
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
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 5, 18) AND MAKE_DATE(2026, 6, 3)
                ) AS "t29"
                WHERE
                  "t29"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t29"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND "t29"."start_on" <= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t29"."start_on") + 29)
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t49"
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
                  'deployment_kickoff_call' AS "touch_id",
                  'onboarding' AS "stage_id",
                  "t30"."agreement_id" AS "cycle"
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
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 5) AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF(
                        'DAY',
                        MAKE_DATE(1970, 1, 1),
                        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 5)
                      ) + 10
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
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 5, 14) AND MAKE_DATE(2026, 5, 30)
                ) AS "t30"
                WHERE
                  "t30"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t30"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND "t30"."start_on" <= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t30"."start_on") + 29)
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t50"
            ) AS "t59"
          ) AS "t67"
        ) AS "t72"
      ) AS "t75"
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
                *
              FROM (
                SELECT
                  "t31"."account_id",
                  "t31"."agreement_id",
                  "t31"."start_on",
                  "t31"."end_on",
                  "t31"."program",
                  "t31"."sa",
                  "t31"."value",
                  "t31"."partner_id",
                  "t31"."renewed_from",
                  "t31"."due_on",
                  "t31"."expires_on",
                  'deployment_tracker' AS "touch_id",
                  'onboarding' AS "stage_id",
                  "t31"."agreement_id" AS "cycle"
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
                      ) + 10
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
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 5, 12) AND MAKE_DATE(2026, 5, 28)
                ) AS "t31"
                WHERE
                  "t31"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t31"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND "t31"."start_on" <= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t31"."start_on") + 29)
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t51"
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
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 14) AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 29) AS "expires_on",
                  'deployment_assist' AS "touch_id",
                  'onboarding' AS "stage_id",
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
                  "t11"."start_on" <= MAKE_DATE(2026, 5, 21)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 14)
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 29)
                  ) >= MAKE_DATE(2026, 6, 1)
                  AND "t11"."start_on" <= MAKE_DATE(2026, 6, 1)
              ) AS "t17"
            ) AS "t60"
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
                  'adoption_check_30d' AS "touch_id",
                  'adoption' AS "stage_id",
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
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 30) AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF(
                        'DAY',
                        MAKE_DATE(1970, 1, 1),
                        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 30)
                      ) + 10
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
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 4, 19) AND MAKE_DATE(2026, 5, 5)
                ) AS "t28"
                WHERE
                  "t28"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t28"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t28"."start_on") + 30)
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t28"."start_on") + 104)
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t48"
              UNION ALL
              SELECT
                *
              FROM (
                SELECT
                  "t32"."account_id",
                  "t32"."agreement_id",
                  "t32"."start_on",
                  "t32"."end_on",
                  "t32"."program",
                  "t32"."sa",
                  "t32"."value",
                  "t32"."partner_id",
                  "t32"."renewed_from",
                  "t32"."due_on",
                  "t32"."expires_on",
                  'adoption_check_60d' AS "touch_id",
                  'adoption' AS "stage_id",
                  "t32"."agreement_id" AS "cycle"
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
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 60) AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF(
                        'DAY',
                        MAKE_DATE(1970, 1, 1),
                        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 60)
                      ) + 10
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
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 3, 20) AND MAKE_DATE(2026, 4, 5)
                ) AS "t32"
                WHERE
                  "t32"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t32"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t32"."start_on") + 30)
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t32"."start_on") + 104)
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t52"
            ) AS "t61"
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
                  "t33"."account_id",
                  "t33"."agreement_id",
                  "t33"."start_on",
                  "t33"."end_on",
                  "t33"."program",
                  "t33"."sa",
                  "t33"."value",
                  "t33"."partner_id",
                  "t33"."renewed_from",
                  "t33"."due_on",
                  "t33"."expires_on",
                  'adoption_review_90d' AS "touch_id",
                  'adoption' AS "stage_id",
                  "t33"."agreement_id" AS "cycle"
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
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 90) AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF(
                        'DAY',
                        MAKE_DATE(1970, 1, 1),
                        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 90)
                      ) + 10
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
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 2, 18) AND MAKE_DATE(2026, 3, 6)
                ) AS "t33"
                WHERE
                  "t33"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t33"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t33"."start_on") + 30)
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t33"."start_on") + 104)
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t53"
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
                  'value_roi_report' AS "touch_id",
                  'value' AS "stage_id",
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
                    "t11"."start_on" + INTERVAL '4' MONTH AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on" + INTERVAL '4' MONTH) + 10
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
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 1, 19) AND MAKE_DATE(2026, 2, 4)
                ) AS "t15"
                WHERE
                  "t15"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t15"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t15"."start_on") + 105)
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t15"."start_on" + INTERVAL '6' MONTH
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t43"
            ) AS "t62"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t34"."account_id",
                  "t34"."agreement_id",
                  "t34"."start_on",
                  "t34"."end_on",
                  "t34"."program",
                  "t34"."sa",
                  "t34"."value",
                  "t34"."partner_id",
                  "t34"."renewed_from",
                  "t34"."due_on",
                  "t34"."expires_on",
                  'sla_service_review' AS "touch_id",
                  'value' AS "stage_id",
                  "t34"."agreement_id" AS "cycle"
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
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 126) AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF(
                        'DAY',
                        MAKE_DATE(1970, 1, 1),
                        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 126)
                      ) + 10
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
                    "t11"."start_on" BETWEEN MAKE_DATE(2026, 1, 13) AND MAKE_DATE(2026, 1, 29)
                ) AS "t34"
                WHERE
                  "t34"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t34"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t34"."start_on") + 105)
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t34"."start_on" + INTERVAL '6' MONTH
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t54"
              UNION ALL
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
                  'satisfaction_survey' AS "touch_id",
                  'value' AS "stage_id",
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
                    "t11"."start_on" + INTERVAL '5' MONTH AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on" + INTERVAL '5' MONTH) + 10
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
                    "t11"."start_on" BETWEEN MAKE_DATE(2025, 12, 19) AND MAKE_DATE(2026, 1, 4)
                ) AS "t14"
                WHERE
                  "t14"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t14"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t14"."start_on") + 105)
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t14"."start_on" + INTERVAL '6' MONTH
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t42"
            ) AS "t63"
          ) AS "t69"
        ) AS "t73"
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
                    DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on" + INTERVAL '5' MONTH) + 30
                  ) AS "expires_on",
                  'seat_upgrade_offer' AS "touch_id",
                  'upsell' AS "stage_id",
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
                  "t11"."start_on" BETWEEN MAKE_DATE(2025, 11, 29) AND MAKE_DATE(2026, 1, 4)
                  AND (
                    "t11"."start_on" + INTERVAL '5' MONTH
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on" + INTERVAL '5' MONTH) + 30
                    )
                  ) >= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -121)
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t23"
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
                  "t11"."start_on" + INTERVAL '5' MONTH AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -121) AS "expires_on",
                  'overage_to_sales' AS "touch_id",
                  'upsell' AS "stage_id",
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
                  "t11"."start_on" <= MAKE_DATE(2026, 1, 4)
                  AND (
                    "t11"."start_on" + INTERVAL '5' MONTH
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -121)
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t19"
            ) AS "t26"
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
                  "t11"."start_on" + INTERVAL '6' MONTH AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on" + INTERVAL '6' MONTH) + 10
                  ) AS "expires_on",
                  'complementary_product_offer' AS "touch_id",
                  'cross_sell' AS "stage_id",
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
                  "t11"."start_on" BETWEEN MAKE_DATE(2025, 11, 19) AND MAKE_DATE(2025, 12, 4)
                  AND (
                    "t11"."start_on" + INTERVAL '6' MONTH
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on" + INTERVAL '6' MONTH) + 10
                    )
                  ) >= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -121)
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t24"
              UNION ALL
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
                  'bundle_offer_repeat_buyers' AS "touch_id",
                  'cross_sell' AS "stage_id",
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
                    "t11"."start_on" + INTERVAL '7' MONTH AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on" + INTERVAL '7' MONTH) + 10
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
                    "t11"."start_on" BETWEEN MAKE_DATE(2025, 10, 19) AND MAKE_DATE(2025, 11, 4)
                ) AS "t16"
                WHERE
                  "t16"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t16"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND (
                    "t16"."start_on" + INTERVAL '6' MONTH
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t16"."end_on") + -121)
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t44"
            ) AS "t46"
          ) AS "t47"
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
                  "t11"."account_id",
                  "t11"."agreement_id",
                  "t11"."start_on",
                  "t11"."end_on",
                  "t11"."program",
                  "t11"."sa",
                  "t11"."value",
                  "t11"."partner_id",
                  "t11"."renewed_from",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 30) AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -91) AS "expires_on",
                  'health_scorecard_review' AS "touch_id",
                  'at_risk' AS "stage_id",
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
                  "t11"."start_on" <= MAKE_DATE(2026, 5, 5)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 30)
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -91)
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t20"
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
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 30) AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -91) AS "expires_on",
                  'complaint_recovery_call' AS "touch_id",
                  'at_risk' AS "stage_id",
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
                  "t11"."start_on" <= MAKE_DATE(2026, 5, 5)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 30)
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -91)
                  ) >= MAKE_DATE(2026, 6, 1)
              ) AS "t21"
            ) AS "t25"
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
                  "t11"."start_on" + INTERVAL '5' MONTH AS "due_on",
                  MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -91) AS "expires_on",
                  'executive_intervention' AS "touch_id",
                  'at_risk' AS "stage_id",
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
                  "t11"."start_on" <= MAKE_DATE(2026, 1, 4)
                  AND (
                    "t11"."start_on" + INTERVAL '5' MONTH
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -91)
                  ) >= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."start_on") + 30)
                  ) <= MAKE_DATE(2026, 6, 1)
              ) AS "t22"
              UNION ALL
              SELECT
                *
              FROM (
                SELECT
                  "t36"."account_id",
                  "t36"."agreement_id",
                  "t36"."start_on",
                  "t36"."end_on",
                  "t36"."program",
                  "t36"."sa",
                  "t36"."value",
                  "t36"."partner_id",
                  "t36"."renewed_from",
                  "t36"."due_on",
                  "t36"."expires_on",
                  'renewal_quote_120d' AS "touch_id",
                  'renewal' AS "stage_id",
                  "t36"."agreement_id" || '@' || CAST("t36"."end_on" AS TEXT) AS "cycle"
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
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -120) AS "due_on",
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(
                      DATE_DIFF(
                        'DAY',
                        MAKE_DATE(1970, 1, 1),
                        MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t11"."end_on") + -120)
                      ) + 10
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
                    "t11"."end_on" BETWEEN MAKE_DATE(2026, 9, 16) AND MAKE_DATE(2026, 10, 2)
                ) AS "t36"
                WHERE
                  "t36"."due_on" <= MAKE_DATE(2026, 6, 1)
                  AND "t36"."expires_on" >= MAKE_DATE(2026, 6, 1)
                  AND (
                    MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t36"."end_on") + -120)
                  ) <= MAKE_DATE(2026, 6, 1)
                  AND "t36"."end_on" >= MAKE_DATE(2026, 6, 1)
              ) AS "t56"
            ) AS "t65"
          ) AS "t70"
        ) AS "t74"
      ) AS "t76"
    ) AS "t78"
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
        "t0"."program_id" = 'subscription-lifecycle'
    ) AS "t5"
      ON "t78"."touch_id" = "t5"."touch_id"
      AND "t78"."account_id" = "t5"."account_id"
      AND "t78"."cycle" = "t5"."cycle"
  ) AS "t79"
) AS "t80"
WHERE
  (
    "t80"."known_status" IS NULL
  )
  OR (
    (
      "t80"."known_status" = 'deferred'
    )
    AND (
      "t80"."known_planned_on" <= MAKE_DATE(2026, 6, 1)
    )
  )

-- eligible, over the settled due touches
WITH "t12" AS (
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
), "t69" AS (
  SELECT
    "t51"."account_id",
    "t51"."product_id",
    "t51"."measured_on",
    "t51"."seats",
    "t51"."active_users",
    "t51"."features_used"
  FROM (
    SELECT
      "t39".*
      EXCLUDE ("owner", "survivor")
    FROM (
      SELECT
        COALESCE("t35"."survivor", "t35"."account_id") AS "account_id",
        "t35"."product_id",
        "t35"."measured_on",
        "t35"."seats",
        "t35"."active_users",
        "t35"."features_used",
        "t35"."owner",
        "t35"."survivor"
      FROM (
        SELECT
          "t11"."account_id",
          "t11"."product_id",
          "t11"."measured_on",
          "t11"."seats",
          "t11"."active_users",
          "t11"."features_used",
          "t23"."owner",
          "t23"."survivor"
        FROM "usage_snapshots" AS "t11"
        LEFT OUTER JOIN (
          SELECT
            "t3"."account_id" AS "owner",
            "t3"."merged_into" AS "survivor"
          FROM "accounts" AS "t3"
          WHERE
            "t3"."merged_into" IS NOT NULL
        ) AS "t23"
          ON "t11"."account_id" = "t23"."owner"
      ) AS "t35"
    ) AS "t39"
  ) AS "t51"
  SEMI JOIN (
    SELECT DISTINCT
      "t13"."account_id"
    FROM "t12" AS "t13"
  ) AS "t30"
    ON "t51"."account_id" = "t30"."account_id"
), "t75" AS (
  SELECT
    *
  FROM "t69" AS "t72"
  WHERE
    "t72"."measured_on" <= MAKE_DATE(2026, 6, 1)
), "t76" AS (
  SELECT
    *
  FROM "t69" AS "t72"
  WHERE
    "t72"."measured_on" <= MAKE_DATE(2026, 3, 3)
)
SELECT
  *
FROM (
  SELECT
    "t8"."account_id",
    "t8"."agreement_id",
    "t8"."start_on",
    "t8"."end_on",
    "t8"."program",
    "t8"."sa",
    "t8"."value",
    "t8"."partner_id",
    "t8"."renewed_from",
    "t8"."due_on",
    "t8"."expires_on",
    "t8"."touch_id",
    "t8"."stage_id",
    "t8"."cycle",
    "t8"."known_uid",
    "t8"."known_status",
    "t8"."known_planned_on",
    "t134"."agreement__program",
    "t134"."agreement__sa",
    "t134"."agreement__start_on",
    "t134"."agreement__end_on",
    "t134"."agreement__value",
    "t134"."agreement__partner_id",
    "t134"."agreement__renewal",
    "t134"."agreement__term_months",
    "t134"."agreement__months_since_start",
    "t134"."agreement__days_to_end",
    "t134"."cases__open",
    "t134"."cases__complaints_90d",
    "t134"."cases__issues_90d",
    "t134"."orders__count",
    "t134"."orders__count_12m",
    "t134"."orders__first_on",
    "t134"."orders__last_on",
    "t134"."orders__days_since_last",
    "t134"."orders__revenue",
    "t134"."orders__revenue_12m",
    "t134"."orders__products",
    "t134"."usage__seats",
    "t134"."usage__active_users",
    "t134"."usage__utilisation",
    "t134"."usage__trend",
    "t134"."received__0",
    "t134"."received__1",
    "t134"."received__2",
    "t134"."received__3",
    "t134"."has_contact__0"
  FROM "due_touches" AS "t8"
  INNER JOIN (
    SELECT
      "t132"."account_id",
      "t132"."agreement_id",
      "t132"."agreement__program",
      "t132"."agreement__sa",
      "t132"."agreement__start_on",
      "t132"."agreement__end_on",
      "t132"."agreement__value",
      "t132"."agreement__partner_id",
      "t132"."agreement__renewal",
      "t132"."agreement__term_months",
      "t132"."agreement__months_since_start",
      "t132"."agreement__days_to_end",
      "t132"."cases__open",
      "t132"."cases__complaints_90d",
      "t132"."cases__issues_90d",
      "t132"."orders__count",
      "t132"."orders__count_12m",
      "t132"."orders__first_on",
      "t132"."orders__last_on",
      "t132"."orders__days_since_last",
      "t132"."orders__revenue",
      "t132"."orders__revenue_12m",
      "t132"."orders__products",
      "t132"."usage__seats",
      "t132"."usage__active_users",
      "t132"."usage__utilisation",
      "t132"."usage__trend",
      "t132"."received__0",
      "t132"."received__1",
      "t132"."received__2",
      "t132"."received__3",
      COALESCE("t132"."has_contact__0", FALSE) AS "has_contact__0"
    FROM (
      SELECT
        "t131".*
        EXCLUDE ("account_id_right")
      FROM (
        SELECT
          "t130"."account_id",
          "t130"."agreement_id",
          "t130"."start_on",
          "t130"."end_on",
          "t130"."program",
          "t130"."sa",
          "t130"."value",
          "t130"."partner_id",
          "t130"."renewed_from",
          "t130"."agreement__program",
          "t130"."agreement__sa",
          "t130"."agreement__start_on",
          "t130"."agreement__end_on",
          "t130"."agreement__value",
          "t130"."agreement__partner_id",
          "t130"."agreement__renewal",
          "t130"."agreement__term_months",
          "t130"."agreement__months_since_start",
          "t130"."agreement__days_to_end",
          "t130"."cases__open",
          "t130"."cases__complaints_90d",
          "t130"."cases__issues_90d",
          "t130"."orders__count",
          "t130"."orders__count_12m",
          "t130"."orders__first_on",
          "t130"."orders__last_on",
          "t130"."orders__days_since_last",
          "t130"."orders__revenue",
          "t130"."orders__revenue_12m",
          "t130"."orders__products",
          "t130"."usage__seats",
          "t130"."usage__active_users",
          "t130"."usage__utilisation",
          "t130"."usage__trend",
          "t130"."received__0",
          "t130"."received__1",
          "t130"."received__2",
          "t130"."received__3",
          "t84"."account_id" AS "account_id_right",
          "t84"."has_contact__0"
        FROM (
          SELECT
            "t128"."account_id",
            "t128"."agreement_id",
            "t128"."start_on",
            "t128"."end_on",
            "t128"."program",
            "t128"."sa",
            "t128"."value",
            "t128"."partner_id",
            "t128"."renewed_from",
            "t128"."agreement__program",
            "t128"."agreement__sa",
            "t128"."agreement__start_on",
            "t128"."agreement__end_on",
            "t128"."agreement__value",
            "t128"."agreement__partner_id",
            "t128"."agreement__renewal",
            "t128"."agreement__term_months",
            "t128"."agreement__months_since_start",
            "t128"."agreement__days_to_end",
            "t128"."cases__open",
            "t128"."cases__complaints_90d",
            "t128"."cases__issues_90d",
            "t128"."orders__count",
            "t128"."orders__count_12m",
            "t128"."orders__first_on",
            "t128"."orders__last_on",
            "t128"."orders__days_since_last",
            "t128"."orders__revenue",
            "t128"."orders__revenue_12m",
            "t128"."orders__products",
            "t128"."usage__seats",
            "t128"."usage__active_users",
            "t128"."usage__utilisation",
            "t128"."usage__trend",
            "t128"."received__0",
            "t128"."received__1",
            "t128"."received__2",
            COALESCE("t128"."received__3", FALSE) AS "received__3"
          FROM (
            SELECT
              "t127".*
              EXCLUDE ("account_id_right")
            FROM (
              SELECT
                "t126"."account_id",
                "t126"."agreement_id",
                "t126"."start_on",
                "t126"."end_on",
                "t126"."program",
                "t126"."sa",
                "t126"."value",
                "t126"."partner_id",
                "t126"."renewed_from",
                "t126"."agreement__program",
                "t126"."agreement__sa",
                "t126"."agreement__start_on",
                "t126"."agreement__end_on",
                "t126"."agreement__value",
                "t126"."agreement__partner_id",
                "t126"."agreement__renewal",
                "t126"."agreement__term_months",
                "t126"."agreement__months_since_start",
                "t126"."agreement__days_to_end",
                "t126"."cases__open",
                "t126"."cases__complaints_90d",
                "t126"."cases__issues_90d",
                "t126"."orders__count",
                "t126"."orders__count_12m",
                "t126"."orders__first_on",
                "t126"."orders__last_on",
                "t126"."orders__days_since_last",
                "t126"."orders__revenue",
                "t126"."orders__revenue_12m",
                "t126"."orders__products",
                "t126"."usage__seats",
                "t126"."usage__active_users",
                "t126"."usage__utilisation",
                "t126"."usage__trend",
                "t126"."received__0",
                "t126"."received__1",
                "t126"."received__2",
                "t63"."account_id" AS "account_id_right",
                "t63"."received__3"
              FROM (
                SELECT
                  "t124"."account_id",
                  "t124"."agreement_id",
                  "t124"."start_on",
                  "t124"."end_on",
                  "t124"."program",
                  "t124"."sa",
                  "t124"."value",
                  "t124"."partner_id",
                  "t124"."renewed_from",
                  "t124"."agreement__program",
                  "t124"."agreement__sa",
                  "t124"."agreement__start_on",
                  "t124"."agreement__end_on",
                  "t124"."agreement__value",
                  "t124"."agreement__partner_id",
                  "t124"."agreement__renewal",
                  "t124"."agreement__term_months",
                  "t124"."agreement__months_since_start",
                  "t124"."agreement__days_to_end",
                  "t124"."cases__open",
                  "t124"."cases__complaints_90d",
                  "t124"."cases__issues_90d",
                  "t124"."orders__count",
                  "t124"."orders__count_12m",
                  "t124"."orders__first_on",
                  "t124"."orders__last_on",
                  "t124"."orders__days_since_last",
                  "t124"."orders__revenue",
                  "t124"."orders__revenue_12m",
                  "t124"."orders__products",
                  "t124"."usage__seats",
                  "t124"."usage__active_users",
                  "t124"."usage__utilisation",
                  "t124"."usage__trend",
                  "t124"."received__0",
                  "t124"."received__1",
                  COALESCE("t124"."received__2", FALSE) AS "received__2"
                FROM (
                  SELECT
                    "t123".*
                    EXCLUDE ("account_id_right", "agreement_id_right")
                  FROM (
                    SELECT
                      "t122"."account_id",
                      "t122"."agreement_id",
                      "t122"."start_on",
                      "t122"."end_on",
                      "t122"."program",
                      "t122"."sa",
                      "t122"."value",
                      "t122"."partner_id",
                      "t122"."renewed_from",
                      "t122"."agreement__program",
                      "t122"."agreement__sa",
                      "t122"."agreement__start_on",
                      "t122"."agreement__end_on",
                      "t122"."agreement__value",
                      "t122"."agreement__partner_id",
                      "t122"."agreement__renewal",
                      "t122"."agreement__term_months",
                      "t122"."agreement__months_since_start",
                      "t122"."agreement__days_to_end",
                      "t122"."cases__open",
                      "t122"."cases__complaints_90d",
                      "t122"."cases__issues_90d",
                      "t122"."orders__count",
                      "t122"."orders__count_12m",
                      "t122"."orders__first_on",
                      "t122"."orders__last_on",
                      "t122"."orders__days_since_last",
                      "t122"."orders__revenue",
                      "t122"."orders__revenue_12m",
                      "t122"."orders__products",
                      "t122"."usage__seats",
                      "t122"."usage__active_users",
                      "t122"."usage__utilisation",
                      "t122"."usage__trend",
                      "t122"."received__0",
                      "t122"."received__1",
                      "t64"."account_id" AS "account_id_right",
                      "t64"."agreement_id" AS "agreement_id_right",
                      "t64"."received__2"
                    FROM (
                      SELECT
                        "t120"."account_id",
                        "t120"."agreement_id",
                        "t120"."start_on",
                        "t120"."end_on",
                        "t120"."program",
                        "t120"."sa",
                        "t120"."value",
                        "t120"."partner_id",
                        "t120"."renewed_from",
                        "t120"."agreement__program",
                        "t120"."agreement__sa",
                        "t120"."agreement__start_on",
                        "t120"."agreement__end_on",
                        "t120"."agreement__value",
                        "t120"."agreement__partner_id",
                        "t120"."agreement__renewal",
                        "t120"."agreement__term_months",
                        "t120"."agreement__months_since_start",
                        "t120"."agreement__days_to_end",
                        "t120"."cases__open",
                        "t120"."cases__complaints_90d",
                        "t120"."cases__issues_90d",
                        "t120"."orders__count",
                        "t120"."orders__count_12m",
                        "t120"."orders__first_on",
                        "t120"."orders__last_on",
                        "t120"."orders__days_since_last",
                        "t120"."orders__revenue",
                        "t120"."orders__revenue_12m",
                        "t120"."orders__products",
                        "t120"."usage__seats",
                        "t120"."usage__active_users",
                        "t120"."usage__utilisation",
                        "t120"."usage__trend",
                        "t120"."received__0",
                        COALESCE("t120"."received__1", FALSE) AS "received__1"
                      FROM (
                        SELECT
                          "t119".*
                          EXCLUDE ("account_id_right", "agreement_id_right")
                        FROM (
                          SELECT
                            "t118"."account_id",
                            "t118"."agreement_id",
                            "t118"."start_on",
                            "t118"."end_on",
                            "t118"."program",
                            "t118"."sa",
                            "t118"."value",
                            "t118"."partner_id",
                            "t118"."renewed_from",
                            "t118"."agreement__program",
                            "t118"."agreement__sa",
                            "t118"."agreement__start_on",
                            "t118"."agreement__end_on",
                            "t118"."agreement__value",
                            "t118"."agreement__partner_id",
                            "t118"."agreement__renewal",
                            "t118"."agreement__term_months",
                            "t118"."agreement__months_since_start",
                            "t118"."agreement__days_to_end",
                            "t118"."cases__open",
                            "t118"."cases__complaints_90d",
                            "t118"."cases__issues_90d",
                            "t118"."orders__count",
                            "t118"."orders__count_12m",
                            "t118"."orders__first_on",
                            "t118"."orders__last_on",
                            "t118"."orders__days_since_last",
                            "t118"."orders__revenue",
                            "t118"."orders__revenue_12m",
                            "t118"."orders__products",
                            "t118"."usage__seats",
                            "t118"."usage__active_users",
                            "t118"."usage__utilisation",
                            "t118"."usage__trend",
                            "t118"."received__0",
                            "t65"."account_id" AS "account_id_right",
                            "t65"."agreement_id" AS "agreement_id_right",
                            "t65"."received__1"
                          FROM (
                            SELECT
                              "t116"."account_id",
                              "t116"."agreement_id",
                              "t116"."start_on",
                              "t116"."end_on",
                              "t116"."program",
                              "t116"."sa",
                              "t116"."value",
                              "t116"."partner_id",
                              "t116"."renewed_from",
                              "t116"."agreement__program",
                              "t116"."agreement__sa",
                              "t116"."agreement__start_on",
                              "t116"."agreement__end_on",
                              "t116"."agreement__value",
                              "t116"."agreement__partner_id",
                              "t116"."agreement__renewal",
                              "t116"."agreement__term_months",
                              "t116"."agreement__months_since_start",
                              "t116"."agreement__days_to_end",
                              "t116"."cases__open",
                              "t116"."cases__complaints_90d",
                              "t116"."cases__issues_90d",
                              "t116"."orders__count",
                              "t116"."orders__count_12m",
                              "t116"."orders__first_on",
                              "t116"."orders__last_on",
                              "t116"."orders__days_since_last",
                              "t116"."orders__revenue",
                              "t116"."orders__revenue_12m",
                              "t116"."orders__products",
                              "t116"."usage__seats",
                              "t116"."usage__active_users",
                              "t116"."usage__utilisation",
                              "t116"."usage__trend",
                              COALESCE("t116"."received__0", FALSE) AS "received__0"
                            FROM (
                              SELECT
                                "t115".*
                                EXCLUDE ("account_id_right", "agreement_id_right")
                              FROM (
                                SELECT
                                  "t114"."account_id",
                                  "t114"."agreement_id",
                                  "t114"."start_on",
                                  "t114"."end_on",
                                  "t114"."program",
                                  "t114"."sa",
                                  "t114"."value",
                                  "t114"."partner_id",
                                  "t114"."renewed_from",
                                  "t114"."agreement__program",
                                  "t114"."agreement__sa",
                                  "t114"."agreement__start_on",
                                  "t114"."agreement__end_on",
                                  "t114"."agreement__value",
                                  "t114"."agreement__partner_id",
                                  "t114"."agreement__renewal",
                                  "t114"."agreement__term_months",
                                  "t114"."agreement__months_since_start",
                                  "t114"."agreement__days_to_end",
                                  "t114"."cases__open",
                                  "t114"."cases__complaints_90d",
                                  "t114"."cases__issues_90d",
                                  "t114"."orders__count",
                                  "t114"."orders__count_12m",
                                  "t114"."orders__first_on",
                                  "t114"."orders__last_on",
                                  "t114"."orders__days_since_last",
                                  "t114"."orders__revenue",
                                  "t114"."orders__revenue_12m",
                                  "t114"."orders__products",
                                  "t114"."usage__seats",
                                  "t114"."usage__active_users",
                                  "t114"."usage__utilisation",
                                  "t114"."usage__trend",
                                  "t66"."account_id" AS "account_id_right",
                                  "t66"."agreement_id" AS "agreement_id_right",
                                  "t66"."received__0"
                                FROM (
                                  SELECT
                                    "t112".*
                                    EXCLUDE ("account_id_right")
                                  FROM (
                                    SELECT
                                      "t109"."account_id",
                                      "t109"."agreement_id",
                                      "t109"."start_on",
                                      "t109"."end_on",
                                      "t109"."program",
                                      "t109"."sa",
                                      "t109"."value",
                                      "t109"."partner_id",
                                      "t109"."renewed_from",
                                      "t109"."agreement__program",
                                      "t109"."agreement__sa",
                                      "t109"."agreement__start_on",
                                      "t109"."agreement__end_on",
                                      "t109"."agreement__value",
                                      "t109"."agreement__partner_id",
                                      "t109"."agreement__renewal",
                                      "t109"."agreement__term_months",
                                      "t109"."agreement__months_since_start",
                                      "t109"."agreement__days_to_end",
                                      "t109"."cases__open",
                                      "t109"."cases__complaints_90d",
                                      "t109"."cases__issues_90d",
                                      "t109"."orders__count",
                                      "t109"."orders__count_12m",
                                      "t109"."orders__first_on",
                                      "t109"."orders__last_on",
                                      "t109"."orders__days_since_last",
                                      "t109"."orders__revenue",
                                      "t109"."orders__revenue_12m",
                                      "t109"."orders__products",
                                      "t111"."account_id" AS "account_id_right",
                                      "t111"."usage__seats",
                                      "t111"."usage__active_users",
                                      "t111"."usage__utilisation",
                                      "t111"."usage__trend"
                                    FROM (
                                      SELECT
                                        "t107".*
                                        EXCLUDE ("account_id_right")
                                      FROM (
                                        SELECT
                                          "t104"."account_id",
                                          "t104"."agreement_id",
                                          "t104"."start_on",
                                          "t104"."end_on",
                                          "t104"."program",
                                          "t104"."sa",
                                          "t104"."value",
                                          "t104"."partner_id",
                                          "t104"."renewed_from",
                                          "t104"."agreement__program",
                                          "t104"."agreement__sa",
                                          "t104"."agreement__start_on",
                                          "t104"."agreement__end_on",
                                          "t104"."agreement__value",
                                          "t104"."agreement__partner_id",
                                          "t104"."agreement__renewal",
                                          "t104"."agreement__term_months",
                                          "t104"."agreement__months_since_start",
                                          "t104"."agreement__days_to_end",
                                          "t104"."cases__open",
                                          "t104"."cases__complaints_90d",
                                          "t104"."cases__issues_90d",
                                          "t99"."account_id" AS "account_id_right",
                                          "t99"."orders__count",
                                          "t99"."orders__count_12m",
                                          "t99"."orders__first_on",
                                          "t99"."orders__last_on",
                                          "t99"."orders__days_since_last",
                                          "t99"."orders__revenue",
                                          "t99"."orders__revenue_12m",
                                          "t99"."orders__products"
                                        FROM (
                                          SELECT
                                            "t100".*
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
                                              "t94"."account_id" AS "account_id_right",
                                              "t94"."cases__open",
                                              "t94"."cases__complaints_90d",
                                              "t94"."cases__issues_90d"
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
                                                "t13"."program" AS "agreement__program",
                                                "t13"."sa" AS "agreement__sa",
                                                "t13"."start_on" AS "agreement__start_on",
                                                "t13"."end_on" AS "agreement__end_on",
                                                CAST("t13"."value" AS DOUBLE) AS "agreement__value",
                                                "t13"."partner_id" AS "agreement__partner_id",
                                                "t13"."renewed_from" IS NOT NULL AS "agreement__renewal",
                                                (
                                                  (
                                                    (
                                                      (
                                                        EXTRACT(year FROM MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t13"."end_on") + 1)) - EXTRACT(year FROM "t13"."start_on")
                                                      ) * 12
                                                    ) + EXTRACT(month FROM MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t13"."end_on") + 1))
                                                  ) - EXTRACT(month FROM "t13"."start_on")
                                                ) - CASE
                                                  WHEN EXTRACT(day FROM MAKE_DATE(1970, 1, 1) + TO_DAYS(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t13"."end_on") + 1)) < EXTRACT(day FROM "t13"."start_on")
                                                  THEN 1
                                                  ELSE 0
                                                END AS "agreement__term_months",
                                                (
                                                  (
                                                    (
                                                      (
                                                        EXTRACT(year FROM MAKE_DATE(2026, 6, 1)) - EXTRACT(year FROM "t13"."start_on")
                                                      ) * 12
                                                    ) + EXTRACT(month FROM MAKE_DATE(2026, 6, 1))
                                                  ) - EXTRACT(month FROM "t13"."start_on")
                                                ) - CASE
                                                  WHEN EXTRACT(day FROM MAKE_DATE(2026, 6, 1)) < EXTRACT(day FROM "t13"."start_on")
                                                  THEN 1
                                                  ELSE 0
                                                END AS "agreement__months_since_start",
                                                DATE_DIFF('DAY', MAKE_DATE(2026, 6, 1), "t13"."end_on") AS "agreement__days_to_end"
                                              FROM "t12" AS "t13"
                                            ) AS "t62"
                                            LEFT OUTER JOIN (
                                              SELECT
                                                "t74"."account_id",
                                                SUM(
                                                  CAST((
                                                    "t74"."resolved_at" IS NULL
                                                  )
                                                  OR (
                                                    CAST("t74"."resolved_at" AS DATE) > MAKE_DATE(2026, 6, 1)
                                                  ) AS INT)
                                                ) AS "cases__open",
                                                SUM(
                                                  CAST((
                                                    CAST("t74"."opened_at" AS DATE) > MAKE_DATE(2026, 3, 3)
                                                  )
                                                  AND (
                                                    "t74"."kind" = 'complaint'
                                                  ) AS INT)
                                                ) AS "cases__complaints_90d",
                                                SUM(
                                                  CAST((
                                                    CAST("t74"."opened_at" AS DATE) > MAKE_DATE(2026, 3, 3)
                                                  )
                                                  AND (
                                                    "t74"."kind" = 'issue'
                                                  ) AS INT)
                                                ) AS "cases__issues_90d"
                                              FROM (
                                                SELECT
                                                  *
                                                FROM (
                                                  SELECT
                                                    "t50"."case_id",
                                                    "t50"."account_id",
                                                    "t50"."contact_id",
                                                    "t50"."kind",
                                                    "t50"."severity",
                                                    "t50"."subject",
                                                    "t50"."opened_at",
                                                    "t50"."resolved_at",
                                                    "t50"."sla_met",
                                                    "t50"."description",
                                                    "t50"."touch_uid"
                                                  FROM (
                                                    SELECT
                                                      "t38".*
                                                      EXCLUDE ("owner", "survivor")
                                                    FROM (
                                                      SELECT
                                                        "t34"."case_id",
                                                        COALESCE("t34"."survivor", "t34"."account_id") AS "account_id",
                                                        "t34"."contact_id",
                                                        "t34"."kind",
                                                        "t34"."severity",
                                                        "t34"."subject",
                                                        "t34"."opened_at",
                                                        "t34"."resolved_at",
                                                        "t34"."sla_met",
                                                        "t34"."description",
                                                        "t34"."touch_uid",
                                                        "t34"."owner",
                                                        "t34"."survivor"
                                                      FROM (
                                                        SELECT
                                                          "t10"."case_id",
                                                          "t10"."account_id",
                                                          "t10"."contact_id",
                                                          "t10"."kind",
                                                          "t10"."severity",
                                                          "t10"."subject",
                                                          "t10"."opened_at",
                                                          "t10"."resolved_at",
                                                          "t10"."sla_met",
                                                          "t10"."description",
                                                          "t10"."touch_uid",
                                                          "t23"."owner",
                                                          "t23"."survivor"
                                                        FROM "support_cases" AS "t10"
                                                        LEFT OUTER JOIN (
                                                          SELECT
                                                            "t3"."account_id" AS "owner",
                                                            "t3"."merged_into" AS "survivor"
                                                          FROM "accounts" AS "t3"
                                                          WHERE
                                                            "t3"."merged_into" IS NOT NULL
                                                        ) AS "t23"
                                                          ON "t10"."account_id" = "t23"."owner"
                                                      ) AS "t34"
                                                    ) AS "t38"
                                                  ) AS "t50"
                                                  SEMI JOIN (
                                                    SELECT DISTINCT
                                                      "t13"."account_id"
                                                    FROM "t12" AS "t13"
                                                  ) AS "t30"
                                                    ON "t50"."account_id" = "t30"."account_id"
                                                ) AS "t68"
                                                WHERE
                                                  CAST("t68"."opened_at" AS DATE) <= MAKE_DATE(2026, 6, 1)
                                              ) AS "t74"
                                              GROUP BY
                                                1
                                            ) AS "t94"
                                              ON "t62"."account_id" = "t94"."account_id"
                                          ) AS "t100"
                                        ) AS "t104"
                                        LEFT OUTER JOIN (
                                          SELECT
                                            "t95".*
                                            EXCLUDE ("account_id_right")
                                          FROM (
                                            SELECT
                                              "t89"."account_id",
                                              "t89"."orders__count",
                                              "t89"."orders__count_12m",
                                              "t89"."orders__first_on",
                                              "t89"."orders__last_on",
                                              "t89"."orders__days_since_last",
                                              "t90"."account_id" AS "account_id_right",
                                              "t90"."orders__revenue",
                                              "t90"."orders__revenue_12m",
                                              "t90"."orders__products"
                                            FROM (
                                              SELECT
                                                "t77"."account_id",
                                                "t77"."orders__count",
                                                "t77"."orders__count_12m",
                                                "t77"."orders__first_on",
                                                "t77"."orders__last_on",
                                                DATE_DIFF('DAY', "t77"."orders__last_on", MAKE_DATE(2026, 6, 1)) AS "orders__days_since_last"
                                              FROM (
                                                SELECT
                                                  "t70"."account_id",
                                                  COUNT(*) AS "orders__count",
                                                  SUM(CAST("t70"."ordered_on" > MAKE_DATE(2025, 6, 1) AS INT)) AS "orders__count_12m",
                                                  MIN("t70"."ordered_on") AS "orders__first_on",
                                                  MAX("t70"."ordered_on") AS "orders__last_on"
                                                FROM (
                                                  SELECT
                                                    "t52"."order_id",
                                                    "t52"."account_id",
                                                    "t52"."ordered_on",
                                                    "t52"."partner_id",
                                                    "t52"."agreement_id",
                                                    "t52"."currency",
                                                    "t52"."status"
                                                  FROM (
                                                    SELECT
                                                      "t40".*
                                                      EXCLUDE ("owner", "survivor")
                                                    FROM (
                                                      SELECT
                                                        "t36"."order_id",
                                                        COALESCE("t36"."survivor", "t36"."account_id") AS "account_id",
                                                        "t36"."ordered_on",
                                                        "t36"."partner_id",
                                                        "t36"."agreement_id",
                                                        "t36"."currency",
                                                        "t36"."status",
                                                        "t36"."owner",
                                                        "t36"."survivor"
                                                      FROM (
                                                        SELECT
                                                          "t24"."order_id",
                                                          "t24"."account_id",
                                                          "t24"."ordered_on",
                                                          "t24"."partner_id",
                                                          "t24"."agreement_id",
                                                          "t24"."currency",
                                                          "t24"."status",
                                                          "t23"."owner",
                                                          "t23"."survivor"
                                                        FROM (
                                                          SELECT
                                                            *
                                                          FROM "orders" AS "t7"
                                                          WHERE
                                                            "t7"."status" = 'booked' AND "t7"."ordered_on" <= MAKE_DATE(2026, 6, 1)
                                                        ) AS "t24"
                                                        LEFT OUTER JOIN (
                                                          SELECT
                                                            "t3"."account_id" AS "owner",
                                                            "t3"."merged_into" AS "survivor"
                                                          FROM "accounts" AS "t3"
                                                          WHERE
                                                            "t3"."merged_into" IS NOT NULL
                                                        ) AS "t23"
                                                          ON "t24"."account_id" = "t23"."owner"
                                                      ) AS "t36"
                                                    ) AS "t40"
                                                  ) AS "t52"
                                                  SEMI JOIN (
                                                    SELECT DISTINCT
                                                      "t13"."account_id"
                                                    FROM "t12" AS "t13"
                                                  ) AS "t30"
                                                    ON "t52"."account_id" = "t30"."account_id"
                                                ) AS "t70"
                                                GROUP BY
                                                  1
                                              ) AS "t77"
                                            ) AS "t89"
                                            LEFT OUTER JOIN (
                                              SELECT
                                                "t78"."account_id",
                                                "t78"."orders__revenue",
                                                COALESCE("t78"."orders__revenue_12m", 0.0) AS "orders__revenue_12m",
                                                "t78"."orders__products"
                                              FROM (
                                                SELECT
                                                  "t71"."account_id",
                                                  SUM(CAST("t71"."amount" AS DOUBLE)) AS "orders__revenue",
                                                  SUM(CAST("t71"."amount" AS DOUBLE)) FILTER(WHERE
                                                    "t71"."ordered_on" > MAKE_DATE(2025, 6, 1)) AS "orders__revenue_12m",
                                                  COUNT(DISTINCT "t71"."product_id") AS "orders__products"
                                                FROM (
                                                  SELECT
                                                    "t52"."order_id",
                                                    "t52"."account_id",
                                                    "t52"."ordered_on",
                                                    "t52"."partner_id",
                                                    "t52"."agreement_id",
                                                    "t52"."currency",
                                                    "t52"."status",
                                                    "t9"."order_line_id",
                                                    "t9"."product_id",
                                                    "t9"."quantity",
                                                    "t9"."unit_price",
                                                    "t9"."amount"
                                                  FROM (
                                                    SELECT
                                                      "t40".*
                                                      EXCLUDE ("owner", "survivor")
                                                    FROM (
                                                      SELECT
                                                        "t36"."order_id",
                                                        COALESCE("t36"."survivor", "t36"."account_id") AS "account_id",
                                                        "t36"."ordered_on",
                                                        "t36"."partner_id",
                                                        "t36"."agreement_id",
                                                        "t36"."currency",
                                                        "t36"."status",
                                                        "t36"."owner",
                                                        "t36"."survivor"
                                                      FROM (
                                                        SELECT
                                                          "t24"."order_id",
                                                          "t24"."account_id",
                                                          "t24"."ordered_on",
                                                          "t24"."partner_id",
                                                          "t24"."agreement_id",
                                                          "t24"."currency",
                                                          "t24"."status",
                                                          "t23"."owner",
                                                          "t23"."survivor"
                                                        FROM (
                                                          SELECT
                                                            *
                                                          FROM "orders" AS "t7"
                                                          WHERE
                                                            "t7"."status" = 'booked' AND "t7"."ordered_on" <= MAKE_DATE(2026, 6, 1)
                                                        ) AS "t24"
                                                        LEFT OUTER JOIN (
                                                          SELECT
                                                            "t3"."account_id" AS "owner",
                                                            "t3"."merged_into" AS "survivor"
                                                          FROM "accounts" AS "t3"
                                                          WHERE
                                                            "t3"."merged_into" IS NOT NULL
                                                        ) AS "t23"
                                                          ON "t24"."account_id" = "t23"."owner"
                                                      ) AS "t36"
                                                    ) AS "t40"
                                                  ) AS "t52"
                                                  SEMI JOIN (
                                                    SELECT DISTINCT
                                                      "t13"."account_id"
                                                    FROM "t12" AS "t13"
                                                  ) AS "t30"
                                                    ON "t52"."account_id" = "t30"."account_id"
                                                  INNER JOIN "order_lines" AS "t9"
                                                    ON "t52"."order_id" = "t9"."order_id"
                                                ) AS "t71"
                                                GROUP BY
                                                  1
                                              ) AS "t78"
                                            ) AS "t90"
                                              ON "t89"."account_id" = "t90"."account_id"
                                          ) AS "t95"
                                        ) AS "t99"
                                          ON "t104"."account_id" = "t99"."account_id"
                                      ) AS "t107"
                                    ) AS "t109"
                                    LEFT OUTER JOIN (
                                      SELECT
                                        "t105"."account_id",
                                        "t105"."now_seats" AS "usage__seats",
                                        "t105"."now_active" AS "usage__active_users",
                                        CASE
                                          WHEN "t105"."now_seats" > 0
                                          THEN CAST("t105"."now_active" AS DOUBLE) / CAST("t105"."now_seats" AS DOUBLE)
                                          ELSE NULL
                                        END AS "usage__utilisation",
                                        CASE
                                          WHEN "t106"."then_active" > 0
                                          THEN (
                                            CAST("t105"."now_active" AS DOUBLE) - "t106"."then_active"
                                          ) / CAST("t106"."then_active" AS DOUBLE)
                                          ELSE NULL
                                        END AS "usage__trend"
                                      FROM (
                                        SELECT
                                          "t96"."account_id",
                                          SUM("t96"."seats") AS "now_seats",
                                          SUM("t96"."active_users") AS "now_active"
                                        FROM (
                                          SELECT
                                            "t82"."account_id",
                                            "t82"."product_id",
                                            "t82"."measured_on",
                                            "t82"."seats",
                                            "t82"."active_users",
                                            "t82"."features_used",
                                            "t91"."last_on"
                                          FROM "t75" AS "t82"
                                          INNER JOIN (
                                            SELECT
                                              "t79"."account_id",
                                              MAX("t79"."measured_on") AS "last_on"
                                            FROM "t75" AS "t79"
                                            GROUP BY
                                              1
                                          ) AS "t91"
                                            ON "t82"."account_id" = "t91"."account_id" AND "t82"."measured_on" = "t91"."last_on"
                                        ) AS "t96"
                                        GROUP BY
                                          1
                                      ) AS "t105"
                                      LEFT OUTER JOIN (
                                        SELECT
                                          "t97"."account_id",
                                          SUM("t97"."seats") AS "then_seats",
                                          SUM("t97"."active_users") AS "then_active"
                                        FROM (
                                          SELECT
                                            "t83"."account_id",
                                            "t83"."product_id",
                                            "t83"."measured_on",
                                            "t83"."seats",
                                            "t83"."active_users",
                                            "t83"."features_used",
                                            "t92"."last_on"
                                          FROM "t76" AS "t83"
                                          INNER JOIN (
                                            SELECT
                                              "t80"."account_id",
                                              MAX("t80"."measured_on") AS "last_on"
                                            FROM "t76" AS "t80"
                                            GROUP BY
                                              1
                                          ) AS "t92"
                                            ON "t83"."account_id" = "t92"."account_id" AND "t83"."measured_on" = "t92"."last_on"
                                        ) AS "t97"
                                        GROUP BY
                                          1
                                      ) AS "t106"
                                        ON "t105"."account_id" = "t106"."account_id"
                                    ) AS "t111"
                                      ON "t109"."account_id" = "t111"."account_id"
                                  ) AS "t112"
                                ) AS "t114"
                                LEFT OUTER JOIN (
                                  SELECT
                                    "t56"."account_id",
                                    "t56"."agreement_id",
                                    TRUE AS "received__0"
                                  FROM (
                                    SELECT DISTINCT
                                      *
                                    FROM (
                                      SELECT
                                        "t29"."account_id",
                                        "t29"."agreement_id"
                                      FROM (
                                        SELECT
                                          *
                                        FROM "touches" AS "t1"
                                        WHERE
                                          NOT (
                                            "t1"."status" IN ('deferred', 'suppressed', 'dropped', 'expired', 'cancelled', 'bounced', 'failed')
                                          )
                                          AND "t1"."program_id" = 'subscription-lifecycle'
                                          AND "t1"."touch_id" = 'complementary_product_offer'
                                          AND "t1"."planned_on" <= MAKE_DATE(2026, 6, 1)
                                          AND "t1"."planned_on" > MAKE_DATE(2026, 5, 2)
                                      ) AS "t29"
                                      SEMI JOIN (
                                        SELECT
                                          "t26"."account_id"
                                        FROM (
                                          SELECT DISTINCT
                                            "t13"."account_id",
                                            "t13"."agreement_id"
                                          FROM "t12" AS "t13"
                                        ) AS "t26"
                                      ) AS "t32"
                                        ON "t29"."account_id" = "t32"."account_id"
                                    ) AS "t44"
                                  ) AS "t56"
                                ) AS "t66"
                                  ON "t114"."account_id" = "t66"."account_id"
                                  AND "t114"."agreement_id" = "t66"."agreement_id"
                              ) AS "t115"
                            ) AS "t116"
                          ) AS "t118"
                          LEFT OUTER JOIN (
                            SELECT
                              "t55"."account_id",
                              "t55"."agreement_id",
                              TRUE AS "received__1"
                            FROM (
                              SELECT DISTINCT
                                *
                              FROM (
                                SELECT
                                  "t21"."account_id",
                                  "t21"."agreement_id"
                                FROM (
                                  SELECT
                                    *
                                  FROM "touches" AS "t1"
                                  WHERE
                                    "t1"."status" IN ('clicked', 'responded', 'completed')
                                    AND "t1"."program_id" = 'subscription-lifecycle'
                                    AND "t1"."touch_id" = 'referral_invitation'
                                    AND "t1"."planned_on" <= MAKE_DATE(2026, 6, 1)
                                ) AS "t21"
                                SEMI JOIN (
                                  SELECT
                                    "t26"."account_id"
                                  FROM (
                                    SELECT DISTINCT
                                      "t13"."account_id",
                                      "t13"."agreement_id"
                                    FROM "t12" AS "t13"
                                  ) AS "t26"
                                ) AS "t32"
                                  ON "t21"."account_id" = "t32"."account_id"
                              ) AS "t43"
                            ) AS "t55"
                          ) AS "t65"
                            ON "t118"."account_id" = "t65"."account_id"
                            AND "t118"."agreement_id" = "t65"."agreement_id"
                        ) AS "t119"
                      ) AS "t120"
                    ) AS "t122"
                    LEFT OUTER JOIN (
                      SELECT
                        "t54"."account_id",
                        "t54"."agreement_id",
                        TRUE AS "received__2"
                      FROM (
                        SELECT DISTINCT
                          *
                        FROM (
                          SELECT
                            "t28"."account_id",
                            "t28"."agreement_id"
                          FROM (
                            SELECT
                              *
                            FROM "touches" AS "t1"
                            WHERE
                              NOT (
                                "t1"."status" IN ('deferred', 'suppressed', 'dropped', 'expired', 'cancelled', 'bounced', 'failed')
                              )
                              AND "t1"."program_id" = 'subscription-lifecycle'
                              AND "t1"."touch_id" = 'health_scorecard_review'
                              AND "t1"."planned_on" <= MAKE_DATE(2026, 6, 1)
                          ) AS "t28"
                          SEMI JOIN (
                            SELECT
                              "t26"."account_id"
                            FROM (
                              SELECT DISTINCT
                                "t13"."account_id",
                                "t13"."agreement_id"
                              FROM "t12" AS "t13"
                            ) AS "t26"
                          ) AS "t32"
                            ON "t28"."account_id" = "t32"."account_id"
                        ) AS "t42"
                      ) AS "t54"
                    ) AS "t64"
                      ON "t122"."account_id" = "t64"."account_id"
                      AND "t122"."agreement_id" = "t64"."agreement_id"
                  ) AS "t123"
                ) AS "t124"
              ) AS "t126"
              LEFT OUTER JOIN (
                SELECT
                  "t53"."account_id",
                  TRUE AS "received__3"
                FROM (
                  SELECT DISTINCT
                    *
                  FROM (
                    SELECT
                      "t27"."account_id"
                    FROM (
                      SELECT
                        *
                      FROM "touches" AS "t1"
                      WHERE
                        NOT (
                          "t1"."status" IN ('deferred', 'suppressed', 'dropped', 'expired', 'cancelled', 'bounced', 'failed')
                        )
                        AND "t1"."program_id" = 'subscription-lifecycle'
                        AND "t1"."touch_id" = 'health_scorecard_review'
                        AND "t1"."planned_on" <= MAKE_DATE(2026, 6, 1)
                        AND "t1"."planned_on" > MAKE_DATE(2026, 4, 2)
                    ) AS "t27"
                    SEMI JOIN (
                      SELECT
                        "t26"."account_id"
                      FROM (
                        SELECT DISTINCT
                          "t13"."account_id",
                          "t13"."agreement_id"
                        FROM "t12" AS "t13"
                      ) AS "t26"
                    ) AS "t32"
                      ON "t27"."account_id" = "t32"."account_id"
                  ) AS "t41"
                ) AS "t53"
              ) AS "t63"
                ON "t126"."account_id" = "t63"."account_id"
            ) AS "t127"
          ) AS "t128"
        ) AS "t130"
        LEFT OUTER JOIN (
          SELECT
            "t73"."account_id",
            TRUE AS "has_contact__0"
          FROM (
            SELECT DISTINCT
              "t67"."account_id"
            FROM (
              SELECT
                "t49"."contact_id",
                "t49"."account_id",
                "t49"."name",
                "t49"."role",
                "t49"."email",
                "t49"."email_issue",
                "t49"."phone",
                "t49"."phone_issue",
                "t49"."language",
                "t49"."preferred_channel",
                "t49"."consent_email",
                "t49"."consent_mail",
                "t49"."consent_phone",
                "t49"."do_not_contact",
                "t49"."created_on",
                "t49"."merged_into"
              FROM (
                SELECT
                  "t37".*
                  EXCLUDE ("owner", "survivor")
                FROM (
                  SELECT
                    "t33"."contact_id",
                    COALESCE("t33"."survivor", "t33"."account_id") AS "account_id",
                    "t33"."name",
                    "t33"."role",
                    "t33"."email",
                    "t33"."email_issue",
                    "t33"."phone",
                    "t33"."phone_issue",
                    "t33"."language",
                    "t33"."preferred_channel",
                    "t33"."consent_email",
                    "t33"."consent_mail",
                    "t33"."consent_phone",
                    "t33"."do_not_contact",
                    "t33"."created_on",
                    "t33"."merged_into",
                    "t33"."owner",
                    "t33"."survivor"
                  FROM (
                    SELECT
                      "t22"."contact_id",
                      "t22"."account_id",
                      "t22"."name",
                      "t22"."role",
                      "t22"."email",
                      "t22"."email_issue",
                      "t22"."phone",
                      "t22"."phone_issue",
                      "t22"."language",
                      "t22"."preferred_channel",
                      "t22"."consent_email",
                      "t22"."consent_mail",
                      "t22"."consent_phone",
                      "t22"."do_not_contact",
                      "t22"."created_on",
                      "t22"."merged_into",
                      "t23"."owner",
                      "t23"."survivor"
                    FROM (
                      SELECT
                        *
                      FROM "contacts" AS "t2"
                      WHERE
                        "t2"."merged_into" IS NULL
                    ) AS "t22"
                    LEFT OUTER JOIN (
                      SELECT
                        "t3"."account_id" AS "owner",
                        "t3"."merged_into" AS "survivor"
                      FROM "accounts" AS "t3"
                      WHERE
                        "t3"."merged_into" IS NOT NULL
                    ) AS "t23"
                      ON "t22"."account_id" = "t23"."owner"
                  ) AS "t33"
                ) AS "t37"
              ) AS "t49"
              SEMI JOIN (
                SELECT DISTINCT
                  "t13"."account_id"
                FROM "t12" AS "t13"
              ) AS "t30"
                ON "t49"."account_id" = "t30"."account_id"
            ) AS "t67"
            WHERE
              COALESCE("t67"."role" IN ('IT Manager', 'System Administrator', 'CIO'), FALSE)
          ) AS "t73"
        ) AS "t84"
          ON "t130"."account_id" = "t84"."account_id"
      ) AS "t131"
    ) AS "t132"
  ) AS "t134"
    ON "t8"."account_id" = "t134"."account_id"
    AND "t8"."agreement_id" = "t134"."agreement_id"
) AS "t135"
WHERE
  COALESCE("t135"."agreement__program" = 'subscription', FALSE)
  AND CASE
    WHEN "t135"."stage_id" = 'onboarding'
    THEN TRUE
    WHEN "t135"."stage_id" = 'adoption'
    THEN TRUE
    WHEN "t135"."stage_id" = 'value'
    THEN TRUE
    WHEN "t135"."stage_id" = 'upsell'
    THEN TRUE
    WHEN "t135"."stage_id" = 'cross_sell'
    THEN TRUE
    WHEN "t135"."stage_id" = 'at_risk'
    THEN TRUE
    WHEN "t135"."stage_id" = 'renewal'
    THEN TRUE
    WHEN "t135"."stage_id" = 'advocacy'
    THEN TRUE
    ELSE TRUE
  END
  AND CASE
    WHEN "t135"."touch_id" = 'onboarding_welcome'
    THEN TRUE
    WHEN "t135"."touch_id" = 'deployment_kickoff_call'
    THEN "t135"."has_contact__0"
    WHEN "t135"."touch_id" = 'deployment_tracker'
    THEN TRUE
    WHEN "t135"."touch_id" = 'deployment_assist'
    THEN TRUE
    WHEN "t135"."touch_id" = 'adoption_check_30d'
    THEN TRUE
    WHEN "t135"."touch_id" = 'adoption_check_60d'
    THEN TRUE
    WHEN "t135"."touch_id" = 'adoption_review_90d'
    THEN TRUE
    WHEN "t135"."touch_id" = 'value_roi_report'
    THEN TRUE
    WHEN "t135"."touch_id" = 'sla_service_review'
    THEN TRUE
    WHEN "t135"."touch_id" = 'satisfaction_survey'
    THEN TRUE
    WHEN "t135"."touch_id" = 'seat_upgrade_offer'
    THEN COALESCE("t135"."usage__utilisation" >= 0.8, FALSE)
    WHEN "t135"."touch_id" = 'overage_to_sales'
    THEN TRUE
    WHEN "t135"."touch_id" = 'complementary_product_offer'
    THEN NOT (
      COALESCE("t135"."orders__products" > 2, FALSE)
    )
    AND COALESCE("t135"."usage__utilisation" >= 0.5, FALSE)
    WHEN "t135"."touch_id" = 'bundle_offer_repeat_buyers'
    THEN COALESCE("t135"."orders__count_12m" >= 2, FALSE)
    AND NOT (
      "t135"."received__0"
    )
    WHEN "t135"."touch_id" = 'health_scorecard_review'
    THEN TRUE
    WHEN "t135"."touch_id" = 'complaint_recovery_call'
    THEN TRUE
    WHEN "t135"."touch_id" = 'executive_intervention'
    THEN TRUE
    WHEN "t135"."touch_id" = 'renewal_quote_120d'
    THEN TRUE
    WHEN "t135"."touch_id" = 'renewal_call_90d'
    THEN TRUE
    WHEN "t135"."touch_id" = 'renewal_rescue'
    THEN TRUE
    WHEN "t135"."touch_id" = 'renewal_reminder_30d'
    THEN TRUE
    WHEN "t135"."touch_id" = 'renewal_last_call'
    THEN TRUE
    WHEN "t135"."touch_id" = 'nps_survey'
    THEN TRUE
    WHEN "t135"."touch_id" = 'referral_invitation'
    THEN COALESCE("t135"."usage__utilisation" >= 0.7, FALSE)
    AND COALESCE("t135"."usage__active_users" >= 10, FALSE)
    AND NOT (
      COALESCE("t135"."cases__complaints_90d" > 0, FALSE)
    )
    WHEN "t135"."touch_id" = 'reference_request'
    THEN NOT (
      COALESCE("t135"."cases__complaints_90d" > 0, FALSE)
    )
    AND (
      "t135"."received__1"
      OR (
        COALESCE("t135"."agreement__renewal" = TRUE, FALSE)
        AND COALESCE("t135"."usage__utilisation" >= 0.8, FALSE)
      )
    )
    ELSE TRUE
  END
  AND CASE
    WHEN "t135"."touch_id" = 'deployment_assist'
    THEN (
      "t135"."usage__active_users" IS NULL
    )
    OR COALESCE("t135"."usage__utilisation" < 0.3, FALSE)
    WHEN "t135"."touch_id" = 'overage_to_sales'
    THEN COALESCE("t135"."usage__utilisation" >= 0.95, FALSE)
    WHEN "t135"."touch_id" = 'health_scorecard_review'
    THEN COALESCE("t135"."usage__trend" < -0.2, FALSE)
    OR COALESCE("t135"."usage__utilisation" < 0.3, FALSE)
    WHEN "t135"."touch_id" = 'complaint_recovery_call'
    THEN COALESCE("t135"."cases__complaints_90d" >= 2, FALSE)
    WHEN "t135"."touch_id" = 'executive_intervention'
    THEN "t135"."received__2"
    AND NOT (
      "t135"."received__3"
    )
    AND (
      COALESCE("t135"."usage__trend" < -0.2, FALSE)
      OR COALESCE("t135"."usage__utilisation" < 0.3, FALSE)
    )
    WHEN "t135"."touch_id" = 'renewal_rescue'
    THEN COALESCE("t135"."usage__trend" < -0.2, FALSE)
    OR COALESCE("t135"."usage__utilisation" < 0.3, FALSE)
    OR COALESCE("t135"."cases__complaints_90d" >= 1, FALSE)
    ELSE TRUE
  END

REPORT zsales_report.

TABLES: vbak.

TYPES: BEGIN OF ty_sales,
         vbeln TYPE vbak-vbeln,
         kunnr TYPE vbak-kunnr,
         netwr TYPE vbak-netwr,
         waerk TYPE vbak-waerk,
       END OF ty_sales.

DATA: lt_sales TYPE STANDARD TABLE OF ty_sales,
      ls_sales TYPE ty_sales,
      lv_total TYPE vbak-netwr,
      lv_count TYPE i.

SELECT-OPTIONS: s_kunnr FOR vbak-kunnr,
                s_erdat FOR vbak-erdat.
PARAMETERS: p_max TYPE i DEFAULT 100.

START-OF-SELECTION.
  SELECT vbeln kunnr netwr waerk
    FROM vbak
    INTO TABLE lt_sales
    UP TO p_max ROWS
    WHERE kunnr IN s_kunnr
      AND erdat IN s_erdat.

  IF sy-subrc <> 0.
    WRITE: / 'Aucune commande trouvée'.
    EXIT.
  ENDIF.

  SORT lt_sales BY netwr DESCENDING.

  LOOP AT lt_sales INTO ls_sales.
    lv_total = lv_total + ls_sales-netwr.
    lv_count = lv_count + 1.
    WRITE: / ls_sales-vbeln, ls_sales-kunnr, ls_sales-netwr, ls_sales-waerk.
  ENDLOOP.

  ULINE.
  WRITE: / 'Total:', lv_total, 'Commandes:', lv_count.

CLASS lcl_discount DEFINITION.
  PUBLIC SECTION.
    METHODS compute
      IMPORTING iv_amount        TYPE vbak-netwr
      RETURNING VALUE(rv_amount) TYPE vbak-netwr.
ENDCLASS.

CLASS lcl_discount IMPLEMENTATION.
  METHOD compute.
    IF iv_amount > 10000.
      rv_amount = iv_amount * '0.95'.
    ELSE.
      rv_amount = iv_amount.
    ENDIF.
  ENDMETHOD.
ENDCLASS.

FORM check_customer USING pv_kunnr TYPE kunnr.
  DATA lv_name TYPE kna1-name1.
  SELECT SINGLE name1 FROM kna1 INTO lv_name WHERE kunnr = pv_kunnr.
  IF sy-subrc = 0.
    WRITE: / pv_kunnr, lv_name.
  ENDIF.
ENDFORM.

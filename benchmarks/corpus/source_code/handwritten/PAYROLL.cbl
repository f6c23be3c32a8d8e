       IDENTIFICATION DIVISION.
       PROGRAM-ID. PAYROLL.
       AUTHOR. ACME-IT.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT EMPLOYEE-FILE ASSIGN TO "EMPLOYEE.DAT"
               ORGANIZATION IS LINE SEQUENTIAL.
       DATA DIVISION.
       FILE SECTION.
       FD  EMPLOYEE-FILE.
       01  EMPLOYEE-RECORD.
           05  EMP-ID             PIC 9(6).
           05  EMP-NAME           PIC X(30).
           05  EMP-HOURS          PIC 9(3)V99.
           05  EMP-RATE           PIC 9(3)V99.
       WORKING-STORAGE SECTION.
       01  WS-EOF                 PIC X VALUE "N".
       01  WS-GROSS               PIC 9(7)V99 VALUE ZERO.
       01  WS-TAX                 PIC 9(7)V99 VALUE ZERO.
       01  WS-NET                 PIC 9(7)V99 VALUE ZERO.
       01  WS-TOTAL               PIC 9(9)V99 VALUE ZERO.
       01  WS-DISPLAY-NET         PIC Z,ZZZ,ZZ9.99.
       PROCEDURE DIVISION.
       MAIN-PARA.
           OPEN INPUT EMPLOYEE-FILE
           PERFORM UNTIL WS-EOF = "Y"
               READ EMPLOYEE-FILE
                   AT END
                       MOVE "Y" TO WS-EOF
                   NOT AT END
                       PERFORM COMPUTE-PAY
               END-READ
           END-PERFORM
           CLOSE EMPLOYEE-FILE
           DISPLAY "TOTAL PAYROLL: " WS-TOTAL
           STOP RUN.
       COMPUTE-PAY.
           MULTIPLY EMP-HOURS BY EMP-RATE GIVING WS-GROSS
           IF EMP-HOURS > 151.67
               COMPUTE WS-GROSS = WS-GROSS + (EMP-HOURS - 151.67)
                   * EMP-RATE * 0.25
           END-IF
           COMPUTE WS-TAX = WS-GROSS * 0.22
           SUBTRACT WS-TAX FROM WS-GROSS GIVING WS-NET
           ADD WS-NET TO WS-TOTAL
           MOVE WS-NET TO WS-DISPLAY-NET
           DISPLAY EMP-ID " " EMP-NAME " " WS-DISPLAY-NET.
       EVALUATE-GRADE.
           EVALUATE TRUE
               WHEN WS-NET > 5000
                   DISPLAY "GRADE A"
               WHEN WS-NET > 3000
                   DISPLAY "GRADE B"
               WHEN OTHER
                   DISPLAY "GRADE C"
           END-EVALUATE.

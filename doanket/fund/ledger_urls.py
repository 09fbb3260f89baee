"""URLs of the fund's ledger pages."""

from django.urls import path

from doanket.fund import views

urlpatterns = [
    path("", views.index, name="index"),
    path("open/", views.open_fund, name="open"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/drives/new/", views.drive_new, name="drive_new"),
    path("<int:pk>/donations/new/", views.donation_new, name="donation_new"),
    path("<int:pk>/disbursements/new/", views.disbursement_new, name="disbursement_new"),
    path("<int:pk>/households/", views.household_options, name="households"),
    path("<int:pk>/transfers/new/", views.transfer_new, name="transfer_new"),
    path("<int:pk>/postings/<int:posting_pk>/", views.posting_detail, name="posting"),
    path("<int:pk>/postings/<int:posting_pk>/void/", views.void, name="void"),
    path("<int:pk>/receipts/<int:receipt_pk>/", views.receipt_detail, name="receipt"),
    path("<int:pk>/receipts/<int:receipt_pk>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("<int:pk>/reconcile/", views.reconcile, name="reconcile"),
    path("<int:pk>/periods/", views.periods, name="periods"),
    path("<int:pk>/periods/close/", views.close, name="close"),
    path("<int:pk>/periods/reopen/", views.reopen, name="reopen"),
]

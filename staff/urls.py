from django.urls import path

from staff import manage_views, views

app_name = "staff"

urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("apply/", views.ApplyView.as_view(), name="apply"),
    path("mine/", views.MyShiftsView.as_view(), name="mine"),
    path("mine/feed-link/", views.FeedLinkView.as_view(), name="feed-link"),
    path("jobs/<int:job_id>/sign-up/", views.JobSignUpView.as_view(), name="sign-up"),
    path("shifts/<int:shift_id>/drop/", views.ShiftDropView.as_view(), name="drop"),
    path("shifts/<int:shift_id>/swap/", views.ShiftSwapView.as_view(), name="swap"),
    path("feeds/<str:token>/shifts.ics", views.FeedView.as_view(), name="feed"),
    path("manage/", views.ManageView.as_view(), name="manage"),
    path("manage/coverage/", views.CoverageView.as_view(), name="coverage"),
    path("manage/jobs/<int:job_id>/sign-in/", views.SignInSheetView.as_view(), name="sign-in"),
    path("manage/shifts/<int:shift_id>/mark/", views.ShiftMarkView.as_view(), name="mark"),
    path("manage/hours.csv", views.HoursCsvView.as_view(), name="hours-csv"),
    path("manage/applications/", manage_views.ApplicationsView.as_view(), name="applications"),
    path(
        "manage/applications/<int:volunteer_id>/accept/",
        manage_views.ApplicationAcceptView.as_view(),
        name="accept",
    ),
    path(
        "manage/applications/<int:volunteer_id>/decline/",
        manage_views.ApplicationDeclineView.as_view(),
        name="decline",
    ),
    path("manage/desk/", manage_views.ClockDeskView.as_view(), name="clock"),
    path(
        "manage/shifts/<int:shift_id>/clock/",
        manage_views.ShiftClockView.as_view(),
        name="clock-shift",
    ),
    path("manage/templates/", manage_views.JobTemplateView.as_view(), name="templates"),
    path("manage/badges/", manage_views.StaffBadgesView.as_view(), name="badges"),
]

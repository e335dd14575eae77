from django.urls import path

from schedule import views

app_name = "schedule"

urlpatterns = [
    path("", views.ProgrammeView.as_view(), name="programme"),
    path("layout.css", views.LayoutStylesheetView.as_view(), name="layout-css"),
    path("now/", views.NowView.as_view(), name="now"),
    path("mine/", views.MyProgrammeView.as_view(), name="mine"),
    path("session/<str:code>/", views.SessionView.as_view(), name="session"),
    path("session/<str:code>/favourite/", views.FavouriteToggleView.as_view(), name="favourite"),
    path("speakers/<str:code>/", views.SpeakerView.as_view(), name="speaker"),
    path("versions/", views.VersionsView.as_view(), name="versions"),
    path("versions/<int:version>/", views.VersionView.as_view(), name="version"),
    # Exports at stable URLs (always the latest release).
    path("export/schedule.xml", views.ScheduleXmlView.as_view(), name="export-xml"),
    path("export/schedule.json", views.ScheduleJsonView.as_view(), name="export-json"),
    path("export/schedule.xcal", views.ScheduleXcalView.as_view(), name="export-xcal"),
    path("export/schedule.ics", views.ScheduleIcalView.as_view(), name="export-ics"),
    path("export/programme.csv", views.ProgrammeCsvView.as_view(), name="export-csv"),
    path("export/track/<slug:slug>.ics", views.TrackIcalView.as_view(), name="export-track"),
    path(
        "feeds/<str:token>/favourites.ics",
        views.PersonalFeedView.as_view(which="favourites"),
        name="feed-favourites",
    ),
    path(
        "feeds/<str:token>/panels.ics",
        views.PersonalFeedView.as_view(which="panels"),
        name="feed-panels",
    ),
    # The call for panels.
    path("submit/", views.SubmitView.as_view(), name="submit"),
    path("submissions/", views.MySubmissionsView.as_view(), name="submissions"),
    path("submissions/<str:code>/", views.SubmissionView.as_view(), name="submission"),
    path("invitation/<str:token>/", views.InvitationView.as_view(), name="invitation"),
    # The programming team.
    path("manage/", views.ManageView.as_view(), name="manage"),
    path(
        "manage/submissions.csv", views.SubmissionsCsvView.as_view(), name="manage-submissions-csv"
    ),
    path("manage/<str:code>/review/", views.ReviewView.as_view(), name="manage-review"),
    path("manage/<str:code>/decide/", views.DecideView.as_view(), name="manage-decide"),
    path("manage/plan/", views.PlanView.as_view(), name="manage-plan"),
    path("manage/release/", views.ReleaseView.as_view(), name="manage-release"),
    path("manage/import/", views.ImportView.as_view(), name="manage-import"),
]

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "safehub.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self):
        # The web shell composes the child page from the domain apps (arrows point from web to the domains).
        from safehub.people import child_page

        child_page.register("Risk assessments", "risk:child_panel", "risk.view_assessments", panel=True)
        child_page.register("Risk assessment history", "risk:child", "risk.view_assessments")
        child_page.register("Missing episodes", "missing:child", "missing.view_episodes")
        child_page.register("Network: people, places and groups", "network:child", "network.view_network")
        child_page.register("Decisions to share information", "sharing:child", "sharing.view_log")
        child_page.register(
            "Care proceedings, family group decisions, NRM and home education", "intake:child_act",
            "intake.record_act_workflows",
        )

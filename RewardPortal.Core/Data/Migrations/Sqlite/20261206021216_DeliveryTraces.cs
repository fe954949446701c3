using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RewardPortal.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DeliveryTraces : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TraceParent",
                table: "Events",
                type: "TEXT",
                maxLength: 55,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TraceId",
                table: "DeliveryAttempts",
                type: "TEXT",
                maxLength: 32,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TraceParent",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "TraceId",
                table: "DeliveryAttempts");
        }
    }
}
